// Label map file: class table with stable ids, JSON (de)serialisation and the VOC colour map.
#include "core/io/classtable.h"

#include "core/common/error.h"
#include "core/common/strings.h"

#include <algorithm>
#include <set>

namespace zm {

namespace {

// VOC's bit-interleaving colour map, extended to any id (3 bits of the id per round).
Rgb vocColor(unsigned id)
{
    unsigned r = 0, g = 0, b = 0, c = id;
    for (int j = 0; j < 8; ++j) {
        r |= ((c >> 0) & 1u) << (7 - j);
        g |= ((c >> 1) & 1u) << (7 - j);
        b |= ((c >> 2) & 1u) << (7 - j);
        c >>= 3;
    }
    return {std::uint8_t(r), std::uint8_t(g), std::uint8_t(b)};
}

std::string idText(std::uint16_t id) { return "class id " + std::to_string(id); }

} // namespace

const std::array<Rgb, 256>& vocPalette()
{
    static const std::array<Rgb, 256> palette = [] {
        std::array<Rgb, 256> p{};
        for (unsigned i = 0; i < 256; ++i)
            p[i] = vocColor(i);
        return p;
    }();
    return palette;
}

std::string ClassEntry::typed() const
{
    std::string s = name;
    for (const auto& syn : synonyms)
        s += "; " + syn;
    return s;
}

std::vector<std::string> ClassTable::splitClassList(const std::string& list)
{
    std::vector<std::string> out;
    for (const auto& part : split(list, ',', false)) {
        const std::string t = trim(part);
        if (!t.empty())
            out.push_back(t);
    }
    return out;
}

ClassTable ClassTable::fromTyped(const std::vector<std::string>& typed)
{
    ClassTable t;
    for (const auto& s : typed) {
        std::vector<std::string> words;
        for (const auto& w : split(s, ';', false))
            if (!trim(w).empty())
                words.push_back(trim(w));
        if (words.empty())
            throw Error("class name \"" + s + "\" is empty");
        const std::string name = words.front();
        words.erase(words.begin());
        t.add(name, words);
    }
    return t;
}

std::uint16_t ClassTable::allocateId()
{
    while (mNextId == mIgnoreIndex)
        ++mNextId;
    if (mNextId >= LabelMap::kVoid)
        throw Error("too many classes: ids are exhausted (at most 65534 per project)");
    return mNextId++;
}

std::uint16_t ClassTable::add(const std::string& name, std::vector<std::string> synonyms, std::optional<Rgb> color)
{
    const std::string n = trim(name);
    if (n.empty())
        throw Error("a class name cannot be empty");
    if (const ClassEntry* e = findByName(n))
        throw Error("class \"" + n + "\" already exists (id " + std::to_string(e->id) + ")");
    ClassEntry e;
    e.id = allocateId();
    e.name = n;
    for (auto& s : synonyms)
        if (!trim(s).empty())
            e.synonyms.push_back(trim(s));
    e.color = color ? *color : vocColor(e.id);
    mClasses.push_back(std::move(e));
    return mClasses.back().id;
}

const ClassEntry* ClassTable::find(std::uint16_t id) const
{
    for (const auto& c : mClasses)
        if (c.id == id)
            return &c;
    return nullptr;
}

const ClassEntry& ClassTable::at(std::uint16_t id) const
{
    if (const ClassEntry* e = find(id))
        return *e;
    throw Error(idText(id) + " is not in the label map");
}

const ClassEntry* ClassTable::findByName(const std::string& name) const
{
    const std::string key = toLowerAscii(trim(name));
    for (const auto& c : mClasses) {
        if (toLowerAscii(c.name) == key)
            return &c;
        for (const auto& s : c.synonyms)
            if (toLowerAscii(s) == key)
                return &c;
    }
    return nullptr;
}

void ClassTable::rename(std::uint16_t id, const std::string& name, std::vector<std::string> synonyms)
{
    at(id);
    const std::string n = trim(name);
    if (n.empty())
        throw Error("a class name cannot be empty");
    if (const ClassEntry* other = findByName(n); other && other->id != id)
        throw Error("class \"" + n + "\" already exists (id " + std::to_string(other->id) + ")");
    for (auto& c : mClasses)
        if (c.id == id) {
            c.name = n;
            c.synonyms.clear();
            for (auto& s : synonyms)
                if (!trim(s).empty())
                    c.synonyms.push_back(trim(s));
        }
}

void ClassTable::setColor(std::uint16_t id, Rgb color)
{
    at(id);
    for (auto& c : mClasses)
        if (c.id == id)
            c.color = color;
}

void ClassTable::remove(std::uint16_t id)
{
    at(id);
    mClasses.erase(std::remove_if(mClasses.begin(), mClasses.end(), [&](const ClassEntry& c) { return c.id == id; }),
                   mClasses.end());
}

std::uint16_t ClassTable::maxId() const
{
    std::uint16_t m = 0;
    for (const auto& c : mClasses)
        m = std::max(m, c.id);
    return m;
}

void ClassTable::setIgnoreIndex(std::uint16_t v)
{
    if (v > 255)
        throw Error("ignore index " + std::to_string(v) + " must be an 8-bit value (0..255)");
    if (contains(v))
        throw Error("ignore index " + std::to_string(v) + " is already the id of class \"" + at(v).name + "\"");
    mIgnoreIndex = v;
}

void ClassTable::checkIds(const LabelMap& labels, const std::string& source) const
{
    std::vector<bool> known(65536, false);
    for (const auto& c : mClasses)
        known[c.id] = true;
    known[LabelMap::kVoid] = true;
    for (std::size_t i = 0; i < labels.ids.size(); ++i)
        if (!known[labels.ids[i]]) {
            const int x = int(i % std::size_t(labels.width)), y = int(i / std::size_t(labels.width));
            throw fileError(source, idText(labels.ids[i]) + " (pixel " + std::to_string(x) + "," + std::to_string(y) +
                                        ") is not in the label map");
        }
}

Json ClassTable::toJson() const
{
    Json classes = Json::array();
    for (const auto& c : mClasses)
        classes.push_back({{"id", c.id}, {"name", c.name}, {"synonyms", c.synonyms}, {"color", {c.color[0], c.color[1], c.color[2]}}});
    Json j = {{"format", kFormat}, {"version", kVersion}, {"ignore_index", mIgnoreIndex}, {"next_id", mNextId}};
    j["vector_space"] = vectorSpace.valid() ? vectorSpace.toJson() : Json(nullptr);
    j["model"] = model;
    j["classes"] = classes;
    return j;
}

ClassTable ClassTable::fromJson(const Json& j, const std::string& source)
{
    auto fail = [&](const std::string& why) { return fileError(source, why); };
    if (!j.is_object() || j.value("format", std::string()) != kFormat)
        throw fail(std::string("not a ZeroMask label map (\"format\" must be \"") + kFormat + "\")");
    if (!j.contains("version") || !j["version"].is_number_integer())
        throw fail("\"version\" is missing");
    const int version = j["version"].get<int>();
    if (version > kVersion || version < 1)
        throw fail("label map version " + std::to_string(version) + " is not supported (this ZeroMask reads version " +
                   std::to_string(kVersion) + "); update ZeroMask");
    ClassTable t;
    try {
        const auto& classes = j.at("classes");
        if (!classes.is_array())
            throw fail("\"classes\" must be a list");
        std::set<int> ids;
        int maxId = -1;
        for (const auto& c : classes) {
            ClassEntry e;
            const int id = c.at("id").get<int>();
            if (id < 0 || id >= LabelMap::kVoid)
                throw fail("class id " + std::to_string(id) + " is out of range (0..65534)");
            if (!ids.insert(id).second)
                throw fail("class id " + std::to_string(id) + " appears twice");
            e.id = std::uint16_t(id);
            e.name = trim(c.at("name").get<std::string>());
            if (e.name.empty())
                throw fail("class id " + std::to_string(id) + " has an empty name");
            if (t.findByName(e.name))
                throw fail("class name \"" + e.name + "\" appears twice");
            if (c.contains("synonyms"))
                e.synonyms = c["synonyms"].get<std::vector<std::string>>();
            if (c.contains("color")) {
                const auto col = c["color"].get<std::vector<int>>();
                if (col.size() != 3 || std::any_of(col.begin(), col.end(), [](int v) { return v < 0 || v > 255; }))
                    throw fail("class id " + std::to_string(id) + ": \"color\" must be [r, g, b] in 0..255");
                e.color = {std::uint8_t(col[0]), std::uint8_t(col[1]), std::uint8_t(col[2])};
            } else {
                e.color = vocColor(e.id);
            }
            maxId = std::max(maxId, id);
            t.mClasses.push_back(std::move(e));
        }
        const int ignore = j.value("ignore_index", 255);
        if (ignore < 0 || ignore > 255)
            throw fail("\"ignore_index\" must be in 0..255");
        if (ids.count(ignore))
            throw fail("\"ignore_index\" " + std::to_string(ignore) + " is also a class id");
        t.mIgnoreIndex = std::uint16_t(ignore);
        const int next = std::max(j.value("next_id", 0), maxId + 1);
        t.mNextId = std::uint16_t(std::min(next, int(LabelMap::kVoid)));
        if (j.contains("vector_space") && !j["vector_space"].is_null())
            t.vectorSpace = VectorSpaceId::fromJson(j["vector_space"], source + " vector_space");
        if (j.contains("model") && !j["model"].is_null())
            t.model = j["model"];
    } catch (const Json::exception& e) {
        throw fail(std::string("malformed label map: ") + e.what());
    }
    return t;
}

void ClassTable::save(const std::filesystem::path& file) const { saveJsonFile(file, toJson()); }

ClassTable ClassTable::load(const std::filesystem::path& file) { return fromJson(loadJsonFile(file), file.string()); }

bool ClassTable::operator==(const ClassTable& o) const
{
    if (mClasses.size() != o.mClasses.size() || mIgnoreIndex != o.mIgnoreIndex || mNextId != o.mNextId ||
        vectorSpace != o.vectorSpace || model != o.model)
        return false;
    for (std::size_t i = 0; i < mClasses.size(); ++i) {
        const auto &a = mClasses[i], &b = o.mClasses[i];
        if (a.id != b.id || a.name != b.name || a.synonyms != b.synonyms || a.color != b.color)
            return false;
    }
    return true;
}

} // namespace zm
