// TensorFlow.js model.json + weight shards (and the browserify JS bundle form), see tfjs.h.
#include "core/engine/tfjs.h"

#include "core/common/error.h"
#include "core/common/files.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

namespace zm::tfjs {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------
// JS literal -> JSON

namespace {

class JsParser {
public:
    JsParser(std::string_view text, const std::string& source) : mText(text), mSource(source) {}

    Json value(int depth = 0)
    {
        if (depth > 512)
            fail("nesting deeper than 512 levels");
        skip();
        if (mPos >= mText.size())
            fail("unexpected end of input");
        const char c = mText[mPos];
        if (c == '{')
            return object(depth);
        if (c == '[')
            return array(depth);
        if (c == '"' || c == '\'')
            return Json(string());
        if (c == '!') {
            ++mPos;
            skip();
            if (mPos < mText.size() && (mText[mPos] == '0' || mText[mPos] == '1')) {
                const bool v = mText[mPos] == '0'; // !0 = true, !1 = false
                ++mPos;
                return Json(v);
            }
            fail("expected !0 or !1");
        }
        if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))
            return number();
        if (isIdentStart(c)) {
            const std::string id = identifier();
            if (id == "true")
                return Json(true);
            if (id == "false")
                return Json(false);
            if (id == "null" || id == "undefined")
                return Json(nullptr);
            if (id == "void") {
                skip();
                number();
                return Json(nullptr);
            }
            mPos -= id.size();
            fail("unexpected identifier '" + id + "' (only literal values are read)");
        }
        fail(std::string("unexpected character '") + c + "'");
    }

    void skip()
    {
        while (mPos < mText.size()) {
            const char c = mText[mPos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++mPos;
            } else if (c == '/' && mPos + 1 < mText.size() && mText[mPos + 1] == '/') {
                while (mPos < mText.size() && mText[mPos] != '\n')
                    ++mPos;
            } else if (c == '/' && mPos + 1 < mText.size() && mText[mPos + 1] == '*') {
                const auto e = mText.find("*/", mPos + 2);
                if (e == std::string_view::npos)
                    fail("unterminated comment");
                mPos = e + 2;
            } else {
                break;
            }
        }
    }

    std::size_t pos() const { return mPos; }

    [[noreturn]] void fail(const std::string& what) const
    {
        throw fileError(mSource, "not a readable JS literal: " + what + " at byte " + std::to_string(mPos));
    }

private:
    static bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
    static bool isIdent(char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }

    std::string identifier()
    {
        const std::size_t b = mPos;
        while (mPos < mText.size() && isIdent(mText[mPos]))
            ++mPos;
        return std::string(mText.substr(b, mPos - b));
    }

    Json object(int depth)
    {
        ++mPos; // {
        Json o = Json::object();
        for (;;) {
            skip();
            if (mPos >= mText.size())
                fail("unterminated object");
            if (mText[mPos] == '}') {
                ++mPos;
                return o;
            }
            std::string key;
            const char c = mText[mPos];
            if (c == '"' || c == '\'')
                key = string();
            else if (isIdentStart(c))
                key = identifier();
            else if (c >= '0' && c <= '9') {
                const std::size_t b = mPos;
                while (mPos < mText.size() && std::isdigit(static_cast<unsigned char>(mText[mPos])))
                    ++mPos;
                key = std::string(mText.substr(b, mPos - b));
            } else
                fail("expected a key");
            skip();
            if (mPos >= mText.size() || mText[mPos] != ':')
                fail("expected ':' after key '" + key + "'");
            ++mPos;
            o[key] = value(depth + 1);
            skip();
            if (mPos < mText.size() && mText[mPos] == ',') {
                ++mPos;
                continue;
            }
            if (mPos < mText.size() && mText[mPos] == '}')
                continue;
            fail("expected ',' or '}' in object");
        }
    }

    Json array(int depth)
    {
        ++mPos; // [
        Json a = Json::array();
        for (;;) {
            skip();
            if (mPos >= mText.size())
                fail("unterminated array");
            if (mText[mPos] == ']') {
                ++mPos;
                return a;
            }
            if (mText[mPos] == ',')
                fail("array holes are not supported");
            a.push_back(value(depth + 1));
            skip();
            if (mPos < mText.size() && mText[mPos] == ',') {
                ++mPos;
                continue;
            }
            if (mPos < mText.size() && mText[mPos] == ']')
                continue;
            fail("expected ',' or ']' in array");
        }
    }

    static void utf8(std::string& out, std::uint32_t cp)
    {
        if (cp < 0x80) {
            out.push_back(char(cp));
        } else if (cp < 0x800) {
            out.push_back(char(0xC0 | (cp >> 6)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(char(0xE0 | (cp >> 12)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(char(0xF0 | (cp >> 18)));
            out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        }
    }

    std::uint32_t hex(int digits)
    {
        std::uint32_t v = 0;
        for (int i = 0; i < digits; ++i) {
            if (mPos >= mText.size())
                fail("truncated escape");
            const char c = mText[mPos++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= std::uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= std::uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= std::uint32_t(c - 'A' + 10);
            else
                fail("bad hex digit in escape");
        }
        return v;
    }

    std::string string()
    {
        const char quote = mText[mPos++];
        std::string out;
        for (;;) {
            if (mPos >= mText.size())
                fail("unterminated string");
            const char c = mText[mPos++];
            if (c == quote)
                return out;
            if (c == '\n')
                fail("line break inside a string");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (mPos >= mText.size())
                fail("unterminated string");
            const char e = mText[mPos++];
            switch (e) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'v': out.push_back('\v'); break;
            case '0': out.push_back('\0'); break;
            case 'x': utf8(out, hex(2)); break;
            case 'u': {
                std::uint32_t cp = hex(4);
                if (cp >= 0xD800 && cp < 0xDC00 && mPos + 1 < mText.size() && mText[mPos] == '\\' && mText[mPos + 1] == 'u') {
                    mPos += 2;
                    const std::uint32_t lo = hex(4);
                    if (lo >= 0xDC00 && lo < 0xE000)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    else
                        fail("bad surrogate pair");
                }
                utf8(out, cp);
                break;
            }
            case '\n': break; // line continuation
            default: out.push_back(e); // \" \' \\ \/ and JS's identity escapes
            }
        }
    }

    Json number()
    {
        const std::size_t b = mPos;
        bool isInt = true;
        if (mText[mPos] == '-' || mText[mPos] == '+')
            ++mPos;
        std::size_t digits = 0;
        while (mPos < mText.size() && std::isdigit(static_cast<unsigned char>(mText[mPos])))
            ++mPos, ++digits;
        if (mPos < mText.size() && mText[mPos] == '.') {
            isInt = false;
            ++mPos;
            while (mPos < mText.size() && std::isdigit(static_cast<unsigned char>(mText[mPos])))
                ++mPos, ++digits;
        }
        if (digits == 0) {
            mPos = b;
            fail("expected a number");
        }
        if (mPos < mText.size() && (mText[mPos] == 'e' || mText[mPos] == 'E')) {
            isInt = false;
            ++mPos;
            if (mPos < mText.size() && (mText[mPos] == '-' || mText[mPos] == '+'))
                ++mPos;
            std::size_t ed = 0;
            while (mPos < mText.size() && std::isdigit(static_cast<unsigned char>(mText[mPos])))
                ++mPos, ++ed;
            if (ed == 0)
                fail("bad exponent");
        }
        if (mPos < mText.size() && isIdent(mText[mPos]))
            fail("bad number");
        const std::string tok(mText.substr(b, mPos - b));
        if (isInt && digits <= 18)
            return Json(std::stoll(tok));
        return Json(std::strtod(tok.c_str(), nullptr));
    }

    std::string_view mText;
    const std::string& mSource;
    std::size_t mPos = 0;
};

} // namespace

Json parseJsLiteral(std::string_view text, const std::string& source, std::size_t* end)
{
    JsParser p(text, source);
    Json v = p.value();
    if (end) {
        *end = p.pos();
    } else {
        p.skip();
        if (p.pos() != text.size())
            p.fail("trailing characters after the value");
    }
    return v;
}

Json readJsModuleExport(const fs::path& file)
{
    const std::string text = readFile(file);
    const std::string key = ".exports=";
    std::size_t at = 0;
    while ((at = text.find(key, at)) != std::string::npos) {
        at += key.size();
        if (at < text.size() && (text[at] == '{' || text[at] == '[' || text[at] == '"' || text[at] == '\''))
            return parseJsLiteral(std::string_view(text).substr(at), file.string(), &at);
    }
    throw fileError(file.string(), "not a JS module bundle: no '.exports=' followed by an object, array or string");
}

std::string decodeBase64(std::string_view text, const std::string& source)
{
    static const auto table = [] {
        std::array<int, 256> t{};
        t.fill(-1);
        const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i)
            t[static_cast<unsigned char>(a[i])] = i;
        return t;
    }();
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t acc = 0;
    int bits = 0, pad = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            ++pad;
            continue;
        }
        if (pad > 0 || table[c] < 0)
            throw fileError(source, "bad base64: unexpected character at position " + std::to_string(i));
        acc = (acc << 6) | std::uint32_t(table[c]);
        bits += 6;
        ++n;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xFF));
        }
    }
    if (n % 4 == 1 || pad > 2 || (pad > 0 && (n + std::size_t(pad)) % 4 != 0))
        throw fileError(source, "bad base64: truncated or mis-padded (" + std::to_string(n) + " digits)");
    return out;
}

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1Fu;
    std::uint32_t man = h & 0x3FFu;
    std::uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { // subnormal: normalise
            int e = -1;
            do {
                ++e;
                man <<= 1;
            } while ((man & 0x400u) == 0);
            bits = sign | (std::uint32_t(127 - 15 - e) << 23) | ((man & 0x3FFu) << 13);
        }
    } else if (exp == 0x1F) {
        bits = sign | 0x7F800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// ---------------------------------------------------------------------------------------------------
// Manifest and weights

std::vector<std::vector<WeightEntry>> parseManifest(const Json& manifest, const std::string& source)
{
    if (!manifest.is_array())
        throw fileError(source, "'weightsManifest' must be an array of groups");
    std::vector<std::vector<WeightEntry>> groups;
    std::unordered_set<std::string> names;
    std::size_t offset = 0;
    for (std::size_t g = 0; g < manifest.size(); ++g) {
        const Json& grp = manifest[g];
        const std::string where = "weightsManifest group " + std::to_string(g);
        if (!grp.is_object() || !grp.contains("weights") || !grp["weights"].is_array())
            throw fileError(source, where + " has no 'weights' array");
        if (!grp.contains("paths") || !grp["paths"].is_array())
            throw fileError(source, where + " has no 'paths' array");
        for (const auto& p : grp["paths"])
            if (!p.is_string() || p.get<std::string>().empty())
                throw fileError(source, where + ": every path must be a non-empty string");
        std::vector<WeightEntry> list;
        for (const auto& w : grp["weights"]) {
            WeightEntry e;
            if (!w.is_object() || !w.contains("name") || !w["name"].is_string())
                throw fileError(source, where + ": a weight without a name");
            e.name = w["name"].get<std::string>();
            const std::string wn = "weight '" + e.name + "'";
            if (!names.insert(e.name).second)
                throw fileError(source, wn + " is listed twice");
            if (!w.contains("shape") || !w["shape"].is_array())
                throw fileError(source, wn + " has no shape");
            e.count = 1;
            for (const auto& d : w["shape"]) {
                if (!d.is_number_integer() || d.get<std::int64_t>() < 0)
                    throw fileError(source, wn + ": shape entries must be non-negative integers");
                const auto v = d.get<std::int64_t>();
                if (v > 0 && e.count > (std::int64_t(1) << 40) / v)
                    throw fileError(source, wn + ": shape is too large");
                e.shape.push_back(v);
                e.count *= v;
            }
            if (!w.contains("dtype") || !w["dtype"].is_string())
                throw fileError(source, wn + " has no dtype");
            e.dtype = w["dtype"].get<std::string>();
            if (e.dtype != "float32" && e.dtype != "int32" && e.dtype != "bool")
                throw fileError(source, wn + ": unknown or unsupported dtype '" + e.dtype + "' (float32, int32, bool are read)");
            std::size_t width = e.dtype == "bool" ? 1 : 4;
            if (w.contains("quantization") && !w["quantization"].is_null()) {
                const Json& q = w["quantization"];
                if (!q.is_object() || !q.contains("dtype") || !q["dtype"].is_string())
                    throw fileError(source, wn + ": quantization without a dtype");
                e.quantization = q["dtype"].get<std::string>();
                if (e.quantization == "uint8" || e.quantization == "uint16") {
                    width = e.quantization == "uint8" ? 1 : 2;
                    if (!q.contains("min") || !q["min"].is_number() || !q.contains("scale") || !q["scale"].is_number())
                        throw fileError(source, wn + ": " + e.quantization + " quantization needs numeric 'min' and 'scale'");
                    e.min = q["min"].get<double>();
                    e.scale = q["scale"].get<double>();
                } else if (e.quantization == "float16") {
                    width = 2;
                } else {
                    throw fileError(source, wn + ": unknown quantization dtype '" + e.quantization + "' (uint8, uint16, float16 are read)");
                }
            }
            e.bytes = std::size_t(e.count) * width;
            e.offset = offset;
            offset += e.bytes;
            list.push_back(std::move(e));
        }
        groups.push_back(std::move(list));
    }
    return groups;
}

Model Model::fromParts(const Json& modelJson, const std::vector<std::string>& groupBytes, const std::string& source,
                       const std::vector<std::string>& groupFiles)
{
    if (!modelJson.is_object())
        throw fileError(source, "a TF.js model must be a JSON object");
    if (!modelJson.contains("weightsManifest"))
        throw fileError(source, "no 'weightsManifest' (not a TF.js model.json?)");
    Model m;
    m.mSource = source;
    m.mTopology = modelJson.value("modelTopology", Json());
    if (!m.mTopology.is_object())
        throw fileError(source, "no 'modelTopology' object (not a TF.js model.json?)");
    if (modelJson.contains("format")) {
        if (!modelJson["format"].is_string())
            throw fileError(source, "'format' must be a string");
        m.mFormat = modelJson["format"].get<std::string>();
        if (m.mFormat != "layers-model" && m.mFormat != "graph-model")
            throw fileError(source, "unknown format '" + m.mFormat + "' (layers-model or graph-model)");
    } else {
        m.mFormat = m.mTopology.contains("node") ? "graph-model" : "layers-model";
    }
    const auto groups = parseManifest(modelJson["weightsManifest"], source);
    if (groupBytes.size() != groups.size())
        throw fileError(source, std::to_string(groups.size()) + " weight groups in the manifest, " + std::to_string(groupBytes.size()) +
                                    " read");
    for (std::size_t g = 0; g < groups.size(); ++g) {
        std::size_t need = 0;
        for (const auto& e : groups[g])
            need += e.bytes;
        const std::string files = g < groupFiles.size() ? " (" + groupFiles[g] + ")" : "";
        if (groupBytes[g].size() < need)
            throw fileError(source, "weight group " + std::to_string(g) + files + " is truncated: its shards hold " +
                                        std::to_string(groupBytes[g].size()) + " bytes, the manifest needs " + std::to_string(need));
        if (groupBytes[g].size() > need)
            throw fileError(source, "weight group " + std::to_string(g) + files + ": its shards hold " + std::to_string(groupBytes[g].size()) +
                                        " bytes, more than the " + std::to_string(need) + " the manifest describes (wrong shard?)");
        m.mData += groupBytes[g];
        for (const auto& e : groups[g])
            m.mWeights.push_back(e);
    }
    return m;
}

bool Model::has(const std::string& name) const
{
    for (const auto& e : mWeights)
        if (e.name == name)
            return true;
    return false;
}

const WeightEntry& Model::entry(const std::string& name) const
{
    for (const auto& e : mWeights)
        if (e.name == name)
            return e;
    throw fileError(mSource, "no weight named '" + name + "'");
}

TensorData Model::tensor(const std::string& name) const
{
    const WeightEntry& e = entry(name);
    TensorData t;
    t.shape = e.shape;
    t.dtype = e.dtype;
    const auto* p = reinterpret_cast<const unsigned char*>(mData.data()) + e.offset;
    const auto n = std::size_t(e.count);
    std::vector<double> deq;
    if (e.quantization == "uint8" || e.quantization == "uint16") {
        deq.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            const unsigned q = e.quantization == "uint8" ? p[i] : unsigned(p[2 * i] | (p[2 * i + 1] << 8));
            deq[i] = e.min + e.scale * double(q);
        }
    } else if (e.quantization == "float16") {
        deq.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            deq[i] = halfToFloat(std::uint16_t(p[2 * i] | (p[2 * i + 1] << 8)));
    }
    if (e.dtype == "float32") {
        t.values.resize(n);
        if (!e.quantization.empty())
            for (std::size_t i = 0; i < n; ++i)
                t.values[i] = float(deq[i]);
        else
            for (std::size_t i = 0; i < n; ++i) {
                const std::uint32_t b = std::uint32_t(p[4 * i]) | (std::uint32_t(p[4 * i + 1]) << 8) |
                                        (std::uint32_t(p[4 * i + 2]) << 16) | (std::uint32_t(p[4 * i + 3]) << 24);
                std::memcpy(&t.values[i], &b, 4);
            }
    } else { // int32 or bool
        t.ints.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (!e.quantization.empty())
                t.ints[i] = std::int32_t(std::lround(deq[i]));
            else if (e.dtype == "bool")
                t.ints[i] = p[i] ? 1 : 0;
            else
                t.ints[i] = std::int32_t(std::uint32_t(p[4 * i]) | (std::uint32_t(p[4 * i + 1]) << 8) |
                                         (std::uint32_t(p[4 * i + 2]) << 16) | (std::uint32_t(p[4 * i + 3]) << 24));
        }
    }
    return t;
}

const Json& Model::kerasModelConfig() const
{
    if (mFormat != "layers-model")
        throw fileError(mSource, "a " + mFormat + " has no Keras layer list (a layers-model is needed)");
    const Json* mc = &mTopology;
    if (mTopology.contains("model_config"))
        mc = &mTopology["model_config"];
    if (!mc->is_object() || !mc->contains("class_name") || !(*mc)["class_name"].is_string() || !mc->contains("config"))
        throw fileError(mSource, "modelTopology has no Keras model config (class_name + config)");
    return *mc;
}

// ---------------------------------------------------------------------------------------------------
// Files

namespace {

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// One shard's bytes: the raw file, else the JS bundle `<file>.min.js` (a base64 string export).
std::string readShard(const fs::path& folder, const std::string& rel, bool preferBundle, const std::string& source)
{
    if (rel.find("..") != std::string::npos || (!rel.empty() && rel[0] == '/'))
        throw fileError(source, "shard path '" + rel + "' leaves the model's folder");
    const fs::path raw = folder / rel, bundle = folder / (rel + ".min.js");
    const fs::path first = preferBundle ? bundle : raw, second = preferBundle ? raw : bundle;
    for (const auto& p : {first, second}) {
        if (!fs::is_regular_file(p))
            continue;
        if (endsWith(p.string(), ".js")) {
            const Json s = readJsModuleExport(p);
            if (!s.is_string())
                throw fileError(p.string(), "the shard bundle must export one base64 string");
            return decodeBase64(s.get<std::string>(), p.string());
        }
        return readFile(p);
    }
    throw fileError(source, "weight shard '" + rel + "' not found beside it (" + raw.string() + ")");
}

} // namespace

Model loadModel(const fs::path& path)
{
    fs::path file = path;
    if (fs::is_directory(path)) {
        if (fs::is_regular_file(path / "model.json"))
            file = path / "model.json";
        else if (fs::is_regular_file(path / "model.min.js"))
            file = path / "model.min.js";
        else
            throw fileError(path.string(), "no model.json or model.min.js in this folder");
    }
    if (!fs::exists(file))
        throw fileError(file.string(), "TF.js model not found");
    const bool bundle = endsWith(file.string(), ".js");
    const Json j = bundle ? readJsModuleExport(file) : loadJsonFile(file);
    if (!j.is_object() || !j.contains("weightsManifest"))
        throw fileError(file.string(), "no 'weightsManifest' (not a TF.js model)");
    const auto groups = parseManifest(j["weightsManifest"], file.string());
    std::vector<std::string> bytes, names;
    const fs::path folder = file.parent_path();
    for (std::size_t g = 0; g < groups.size(); ++g) {
        std::string all, list;
        for (const auto& p : j["weightsManifest"][g]["paths"]) {
            all += readShard(folder, p.get<std::string>(), bundle, file.string());
            list += (list.empty() ? "" : ", ") + p.get<std::string>();
        }
        bytes.push_back(std::move(all));
        names.push_back(std::move(list));
    }
    return Model::fromParts(j, bytes, file.string(), names);
}

} // namespace zm::tfjs
