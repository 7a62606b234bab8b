// Class -> attribute-vector tables from CSV, and the ClassEmbedder over them.
#include "core/embed/attributetable.h"

#include "core/common/files.h"
#include "core/common/strings.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <sstream>

namespace zm {

namespace fs = std::filesystem;

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

double squaredNorm(const std::vector<float>& v)
{
    double n = 0;
    for (float x : v)
        n += double(x) * x;
    return n;
}

std::vector<float> unit(std::vector<float> v)
{
    const double n = std::sqrt(squaredNorm(v));
    if (n > 0)
        for (auto& x : v)
            x = float(x / n);
    return v;
}

int editDistance(const std::string& a, const std::string& b)
{
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    std::iota(prev.begin(), prev.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = int(i);
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

AttributeScaling parseScaling(const std::string& value, const std::string& where)
{
    const std::string v = toLowerAscii(trim(value));
    if (v == "rows" || v == "l2")
        return AttributeScaling::Rows;
    if (v == "columns" || v == "standardize" || v == "standardise")
        return AttributeScaling::Columns;
    throw Error(where + ": normalize must be 'rows' (unit-length rows, the default) or 'columns' (standardised "
                        "attributes, then unit-length rows), not '" + trim(value) + "'");
}

} // namespace

const char* attributeScalingName(AttributeScaling s)
{
    switch (s) {
    case AttributeScaling::Rows:
        return "rows";
    case AttributeScaling::Columns:
        return "columns";
    case AttributeScaling::None:
        return "none";
    }
    return "?";
}

std::string classKey(const std::string& name)
{
    std::string k;
    for (unsigned char c : name) {
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
            k.push_back(char(c));
        else if (c >= 'A' && c <= 'Z')
            k.push_back(char(c - 'A' + 'a'));
    }
    return k;
}

AttributeTable AttributeTable::load(const fs::path& file, std::optional<AttributeScaling> scaling)
{
    return parse(readFile(file), file.string(), scaling);
}

AttributeTable AttributeTable::parse(const std::string& text, const std::string& source, std::optional<AttributeScaling> scaling)
{
    AttributeTable t;
    t.mSource = source;
    std::optional<AttributeScaling> directive;
    std::vector<int> rowLines;
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
        const std::string where = source + ":" + std::to_string(lineNo);
        if (startsWith(trimmed, "#!")) {
            const std::string d = trimmed.substr(2);
            const auto eq = d.find_first_of("=:");
            const std::string key = toLowerAscii(trim(d.substr(0, eq)));
            if (eq == std::string::npos || (key != "normalize" && key != "normalise"))
                throw Error(where + ": unknown directive '" + trimmed + "' (the only one is '#! normalize = rows|columns')");
            if (directive)
                throw Error(where + ": normalize is given twice");
            directive = parseScaling(d.substr(eq + 1), where);
            continue;
        }
        if (trimmed.empty() || trimmed[0] == '#')
            continue;
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
        const std::string key = classKey(fields[0]);
        if (key.empty())
            throw Error(where + ": empty class name" + (trim(fields[0]).empty() ? "" : " ('" + fields[0] + "' has no letter or digit)"));
        if (const int other = t.find(fields[0]); other >= 0)
            throw Error(where + ": class '" + fields[0] + "' appears twice" +
                        (t.mNames[std::size_t(other)] == fields[0]
                             ? std::string()
                             : " (as '" + t.mNames[std::size_t(other)] + "' on line " + std::to_string(rowLines[std::size_t(other)]) +
                                   "; names are compared without case, spaces and punctuation)"));
        std::vector<float> v;
        for (std::size_t i = 1; i < fields.size(); ++i) {
            // from_chars: locale-independent ("0.5" stays 0.5 under de_DE, which the GUI's Qt locale sets),
            // and tiny values underflow to 0 instead of being refused.
            const std::string& f = fields[i];
            const char* b = f.data() + (!f.empty() && f[0] == '+' ? 1 : 0);
            double x = 0.0;
            const auto [end, ec] = std::from_chars(b, f.data() + f.size(), x);
            // Out of range with a negative exponent is an underflow (from_chars leaves x unchanged: 0).
            const bool tiny = ec == std::errc::result_out_of_range &&
                              (f.find("e-") != std::string::npos || f.find("E-") != std::string::npos);
            if (tiny)
                x = 0.0;
            if (f.empty() || (ec != std::errc() && !tiny) || end != f.data() + f.size() || !std::isfinite(x) ||
                std::fabs(x) > 3.0e38)
                throw Error(where + ": value '" + fields[i] + "' of attribute '" + t.mAttributes[i - 1] +
                            "' is not a finite number");
            v.push_back(float(x));
        }
        t.mNames.push_back(fields[0]);
        t.mKeys.push_back(key);
        t.mRaw.push_back(std::move(v));
        rowLines.push_back(lineNo);
    }
    if (!header)
        throw Error(source + ": no header line (expected 'class,<attribute>,...')");
    if (t.mNames.empty())
        throw Error(source + ": no class rows");

    t.mScaling = scaling ? *scaling : directive ? *directive : AttributeScaling::Rows;
    t.mVectors = t.mRaw;
    const std::size_t n = t.mVectors.size(), d = t.mAttributes.size();
    if (t.mScaling == AttributeScaling::Columns) {
        for (std::size_t j = 0; j < d; ++j) {
            double mean = 0, var = 0;
            for (std::size_t i = 0; i < n; ++i)
                mean += t.mRaw[i][j];
            mean /= double(n);
            for (std::size_t i = 0; i < n; ++i)
                var += (t.mRaw[i][j] - mean) * (t.mRaw[i][j] - mean);
            const double sd = std::sqrt(var / double(n));
            for (std::size_t i = 0; i < n; ++i)
                t.mVectors[i][j] = sd > 1e-12 * std::max(1.0, std::fabs(mean)) ? float((t.mRaw[i][j] - mean) / sd) : 0.0f;
        }
    }
    if (t.mScaling != AttributeScaling::None) {
        for (std::size_t i = 0; i < n; ++i) {
            if (!(squaredNorm(t.mVectors[i]) > 0))
                throw Error(source + ":" + std::to_string(rowLines[i]) + ": class '" + t.mNames[i] + "' has an all-zero attribute vector" +
                            (t.mScaling == AttributeScaling::Columns
                                 ? " once the columns are standardised (it sits at the mean of every attribute)"
                                 : ", which cannot be normalised"));
            t.mVectors[i] = unit(std::move(t.mVectors[i]));
        }
    }

    // The space is what the table gives a model: each class key with its vector, in key order.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t.mKeys[a] < t.mKeys[b]; });
    Sha256 h;
    const std::string head = "zeromask-attributes 1\ndim " + std::to_string(d) + "\n";
    h.update(head.data(), head.size());
    for (std::size_t i : order) {
        h.update(t.mKeys[i].c_str(), t.mKeys[i].size() + 1);
        for (float x : t.mVectors[i]) {
            std::uint32_t bits;
            std::memcpy(&bits, &x, sizeof bits);
            const unsigned char le[4] = {static_cast<unsigned char>(bits), static_cast<unsigned char>(bits >> 8),
                                         static_cast<unsigned char>(bits >> 16), static_cast<unsigned char>(bits >> 24)};
            h.update(le, sizeof le);
        }
    }
    t.mSpace.name = "attributes:" + fs::path(source).stem().string();
    t.mSpace.dim = t.dim();
    t.mSpace.checksum = h.hexDigest();
    return t;
}

int AttributeTable::find(const std::string& name) const
{
    const auto k = classKey(name);
    if (k.empty())
        return -1;
    for (std::size_t i = 0; i < mKeys.size(); ++i)
        if (mKeys[i] == k)
            return int(i);
    return -1;
}

const std::vector<float>& AttributeTable::vector(const std::string& name) const
{
    const int i = find(name);
    if (i < 0)
        throw unknownClass(name);
    return mVectors[std::size_t(i)];
}

std::vector<std::vector<float>> AttributeTable::vectorsFor(const std::vector<std::string>& names) const
{
    std::vector<std::vector<float>> out;
    out.reserve(names.size());
    for (const auto& n : names)
        out.push_back(vector(n));
    return out;
}

std::vector<std::string> AttributeTable::closest(const std::string& name, int n) const
{
    const auto k = classKey(name);
    std::vector<std::pair<int, std::size_t>> scored;
    for (std::size_t i = 0; i < mKeys.size(); ++i)
        scored.push_back({editDistance(k, mKeys[i]), i});
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && int(out.size()) < n; ++i)
        out.push_back(mNames[scored[i].second]);
    return out;
}

Error AttributeTable::unknownClass(const std::string& name) const
{
    std::vector<std::string> near;
    auto syns = splitSynonyms(name);
    if (syns.empty())
        syns.push_back(name);
    for (const auto& s : syns)
        for (const auto& c : closest(s, 5))
            if (std::find(near.begin(), near.end(), c) == near.end() && near.size() < 5)
                near.push_back(c);
    const std::string shown = name.size() > 60 ? name.substr(0, 60) + "..." : name;
    return Error(mSource + ": class '" + shown + "' is not in this attribute table (an attribute space has vectors only for the " +
                 std::to_string(size()) + " classes it lists and cannot embed other words; add a row for it). Closest: " +
                 join(near, ", "));
}

bool isAttributeTableFile(const fs::path& file)
{
    if (toLowerAscii(file.extension().string()) == ".csv")
        return true;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return false;
    std::string head(64 << 10, '\0');
    in.read(head.data(), std::streamsize(head.size()));
    head.resize(std::size_t(in.gcount()));
    static const char kFastTextMagic[4] = {'\xBA', '\x16', '\x4F', '\x2F'}; // 793712314, little-endian int32
    if (head.size() >= 4 && std::memcmp(head.data(), kFastTextMagic, 4) == 0)
        return false;
    if (head.find('\0') != std::string::npos)
        return false;
    if (startsWith(head, "\xEF\xBB\xBF"))
        head.erase(0, 3);
    for (const auto& line : split(head, '\n')) {
        const auto t = trim(line);
        if (t.empty() || t[0] == '#')
            continue;
        return t.find(',') != std::string::npos;
    }
    return false;
}

namespace {

class AttributeEmbedder final : public ClassEmbedder {
public:
    AttributeEmbedder(AttributeTable table, fs::path file) : mTable(std::move(table)), mFile(std::move(file))
    {
        for (const auto& v : mTable.vectors())
            mUnit.push_back(unit(v));
    }

    int dim() const override { return mTable.dim(); }
    const VectorSpaceId& spaceId() const override { return mTable.space(); }
    const fs::path& file() const override { return mFile; }
    int vocabularySize() const override { return mTable.size(); }
    bool inVocabulary(const std::string& word) const override { return mTable.contains(word); }

    std::vector<float> embed(const std::string& className) const override { return compute(className, nullptr); }

    std::string explain(const std::string& className) const override
    {
        std::string how;
        compute(className, &how);
        return how;
    }

    std::vector<Neighbor> neighbors(const std::vector<float>& query, int k) const override
    {
        if (int(query.size()) != dim())
            throw Error("neighbors: query has " + std::to_string(query.size()) + " values, the attribute table has " +
                        std::to_string(dim()));
        if (k <= 0)
            return {};
        const double n = std::sqrt(squaredNorm(query));
        if (!(n > 0) || !std::isfinite(n))
            throw Error("neighbors: the query vector is zero or not finite");
        std::vector<std::pair<float, int>> scored;
        for (std::size_t i = 0; i < mUnit.size(); ++i) {
            double s = 0;
            for (std::size_t d = 0; d < query.size(); ++d)
                s += double(mUnit[i][d]) * query[d];
            scored.push_back({float(s / n), int(i)});
        }
        std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::vector<Neighbor> out;
        for (std::size_t i = 0; i < scored.size() && int(i) < k; ++i)
            out.push_back({mTable.classNames()[std::size_t(scored[i].second)], scored[i].first});
        return out;
    }

private:
    // The whole name first ("potted, plant" may be one row), then its synonyms.
    std::vector<float> compute(const std::string& className, std::string* how) const
    {
        if (trim(className).empty())
            throw Error("class name is empty or only whitespace");
        if (const int row = mTable.find(className); row >= 0) {
            if (how)
                *how = trim(className) + " -> row '" + mTable.classNames()[std::size_t(row)] + "'";
            return mUnit[std::size_t(row)];
        }
        std::vector<float> sum(std::size_t(dim()), 0.0f);
        int used = 0;
        for (const auto& syn : splitSynonyms(className)) {
            const int row = mTable.find(syn);
            if (how)
                *how += (how->empty() ? "" : "; ") + syn +
                        (row >= 0 ? " -> row '" + mTable.classNames()[std::size_t(row)] + "'" : std::string(" -> not in the table (skipped)"));
            if (row < 0)
                continue;
            for (std::size_t d = 0; d < sum.size(); ++d)
                sum[d] += mUnit[std::size_t(row)][d];
            ++used;
        }
        if (!used)
            throw mTable.unknownClass(className);
        if (!(squaredNorm(sum) > 0))
            throw Error("the synonyms of class '" + trim(className) + "' have opposite attribute vectors in " + mFile.string() +
                        " and cancel out; give one of them");
        return unit(std::move(sum));
    }

    AttributeTable mTable;
    fs::path mFile;
    std::vector<std::vector<float>> mUnit; // unit rows (equal to the table's vectors unless it is unscaled)
};

} // namespace

std::shared_ptr<ClassEmbedder> makeAttributeEmbedder(AttributeTable table, const fs::path& file)
{
    return std::make_shared<AttributeEmbedder>(std::move(table), file);
}

} // namespace zm
