// Class -> attribute-vector tables from CSV.
#include "core/engine/generative/attributetable.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/strings.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace zm::generative {

namespace {

/// Splits one CSV line; double quotes group a field and "" inside quotes is a literal quote.
std::vector<std::string> csvFields(const std::string& line, const std::string& where)
{
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false, wasQuoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char ch = line[i];
        if (quoted) {
            if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                cur += ch;
            }
        } else if (ch == '"' && trim(cur).empty()) {
            quoted = wasQuoted = true;
            cur.clear();
        } else if (ch == ',') {
            out.push_back(wasQuoted ? cur : trim(cur));
            cur.clear();
            wasQuoted = false;
        } else {
            cur += ch;
        }
    }
    if (quoted)
        throw Error(where + ": unterminated quote");
    out.push_back(wasQuoted ? cur : trim(cur));
    return out;
}

std::string key(const std::string& name) { return toLowerAscii(trim(name)); }

} // namespace

AttributeTable AttributeTable::load(const std::filesystem::path& file, bool normalize)
{
    return parse(readFile(file), file.string(), normalize);
}

AttributeTable AttributeTable::parse(const std::string& text, const std::string& source, bool normalize)
{
    AttributeTable t;
    t.mSource = source;
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    bool header = false;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (lineNo == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) // UTF-8 byte-order mark
            line.erase(0, 3);
        const auto trimmed = trim(line);
        if (trimmed.empty() || trimmed[0] == '#')
            continue;
        const std::string where = source + ":" + std::to_string(lineNo);
        auto fields = csvFields(line, where);
        if (!header) {
            if (fields.size() < 2)
                throw Error(where + ": the header needs 'class' and at least one attribute name");
            for (std::size_t i = 1; i < fields.size(); ++i) {
                if (fields[i].empty())
                    throw Error(where + ": attribute " + std::to_string(i) + " has no name");
                t.mAttributes.push_back(fields[i]);
            }
            header = true;
            continue;
        }
        if (fields.size() != t.mAttributes.size() + 1)
            throw Error(where + ": expected a class name and " + std::to_string(t.mAttributes.size()) +
                        " values, found " + std::to_string(fields.size() - 1) + " values");
        if (fields[0].empty())
            throw Error(where + ": empty class name");
        if (t.contains(fields[0]))
            throw Error(where + ": class '" + fields[0] + "' appears twice");
        std::vector<float> v;
        for (std::size_t i = 1; i < fields.size(); ++i) {
            const char* s = fields[i].c_str();
            char* end = nullptr;
            errno = 0;
            const double x = std::strtod(s, &end);
            if (fields[i].empty() || end == s || *end != '\0' || errno == ERANGE || !std::isfinite(x))
                throw Error(where + ": value '" + fields[i] + "' of attribute '" + t.mAttributes[i - 1] +
                            "' is not a finite number");
            v.push_back(float(x));
        }
        if (normalize) {
            double n = 0;
            for (float x : v)
                n += double(x) * x;
            if (n <= 0)
                throw Error(where + ": class '" + fields[0] + "' has an all-zero attribute vector, which cannot be normalised");
            for (auto& x : v)
                x = float(x / std::sqrt(n));
        }
        t.mNames.push_back(fields[0]);
        t.mVectors.push_back(std::move(v));
    }
    if (!header)
        throw Error(source + ": no header line (expected 'class,<attribute>,...')");
    if (t.mNames.empty())
        throw Error(source + ": no class rows");
    t.mSpace.name = "attributes:" + std::filesystem::path(source).stem().string();
    t.mSpace.dim = t.dim();
    t.mSpace.checksum = sha256Hex(text + (normalize ? "\nnormalized" : "\nraw"));
    return t;
}

bool AttributeTable::contains(const std::string& name) const
{
    const auto k = key(name);
    for (const auto& n : mNames)
        if (key(n) == k)
            return true;
    return false;
}

const std::vector<float>& AttributeTable::vector(const std::string& name) const
{
    const auto k = key(name);
    for (std::size_t i = 0; i < mNames.size(); ++i)
        if (key(mNames[i]) == k)
            return mVectors[i];
    std::string known;
    for (std::size_t i = 0; i < mNames.size() && i < 12; ++i)
        known += (i ? ", " : "") + mNames[i];
    if (mNames.size() > 12)
        known += ", ...";
    throw Error(mSource + ": no attributes for class '" + name + "' (the table has " + known + ")");
}

std::vector<std::vector<float>> AttributeTable::vectorsFor(const std::vector<std::string>& names) const
{
    std::vector<std::vector<float>> out;
    out.reserve(names.size());
    for (const auto& n : names)
        out.push_back(vector(n));
    return out;
}

} // namespace zm::generative
