#include "core/embed/wordnet.h"

#include "core/common/error.h"
#include "core/common/strings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

namespace fs = std::filesystem;

namespace zm {

namespace {

std::string readWhole(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw fileError(file.string(), "cannot be read");
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad())
        throw fileError(file.string(), "read error");
    return s.str();
}

std::vector<std::string_view> fields(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\r'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\r')
            ++i;
        if (i > start)
            out.push_back(line.substr(start, i - start));
    }
    return out;
}

/// Digits only (no sign, no space), at most 10 of them: counts and offsets of the database.
bool parseUnsigned(std::string_view text, int base, unsigned long& value)
{
    if (text.empty() || text.size() > 10)
        return false;
    value = 0;
    for (char c : text) {
        int d = -1;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        if (d < 0 || d >= base)
            return false;
        value = value * unsigned(base) + unsigned(d);
    }
    return value <= 0xFFFFFFFFul;
}

/// The lemma (first field) of an index.noun line.
std::string_view lemmaOf(const std::string& index, const std::pair<std::uint32_t, std::uint32_t>& line)
{
    const std::string_view text(index.data() + line.first, line.second);
    return text.substr(0, text.find(' '));
}

} // namespace

std::string Synset::definition() const
{
    // Examples follow the definition as `; "she reached into her bag ..."`.
    const std::size_t quote = gloss.find("; \"");
    std::string d = quote == std::string::npos ? gloss : gloss.substr(0, quote);
    while (!d.empty() && (d.back() == ' ' || d.back() == ';'))
        d.pop_back();
    return d;
}

std::shared_ptr<const WordNet> WordNet::load(const fs::path& folder)
{
    std::shared_ptr<WordNet> wn(new WordNet());
    wn->mFolder = folder;
    const fs::path index = folder / "index.noun", data = folder / "data.noun";
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw fileError(folder.string(), "no such folder (a WordNet database: index.noun, data.noun; Debian package wordnet-base)");
    if (!fs::is_regular_file(index, ec))
        throw fileError(index.string(), "missing (not a WordNet database folder)");
    if (!fs::is_regular_file(data, ec))
        throw fileError(data.string(), "missing (not a WordNet database folder)");
    wn->mIndex = readWhole(index);
    const std::string& text = wn->mIndex;
    std::size_t pos = 0;
    int lineNo = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        ++lineNo;
        const std::string_view line(text.data() + pos, end - pos);
        // The licence header's lines start with two spaces.
        if (!line.empty() && line[0] != ' ' && line != "\r") {
            const auto f = fields(line);
            unsigned long count = 0;
            if (f.size() < 6 || f[1] != "n" || !parseUnsigned(f[2], 10, count) || count == 0 ||
                count > f.size() - 6)
                throw fileError(index.string() + ":" + std::to_string(lineNo),
                                "not a WordNet noun index line (expected: lemma n synset_cnt p_cnt ... offsets)");
            wn->mLines.emplace_back(std::uint32_t(pos), std::uint32_t(end - pos));
        }
        pos = end + 1;
    }
    if (wn->mLines.empty())
        throw fileError(index.string(), "has no entries");
    std::sort(wn->mLines.begin(), wn->mLines.end(),
              [&text](const auto& a, const auto& b) { return lemmaOf(text, a) < lemmaOf(text, b); });

    const fs::path exc = folder / "noun.exc";
    if (fs::is_regular_file(exc, ec)) {
        std::istringstream in(readWhole(exc));
        std::string line;
        while (std::getline(in, line)) {
            const auto f = fields(line);
            if (f.size() < 2)
                continue;
            auto& bases = wn->mExceptions[std::string(f[0])];
            for (std::size_t i = 1; i < f.size(); ++i)
                bases.emplace_back(f[i]);
        }
    }
    return wn;
}

std::vector<std::uint32_t> WordNet::offsetsOf(const std::string& lemma) const
{
    const auto it = std::lower_bound(mLines.begin(), mLines.end(), lemma,
                                     [this](const auto& l, const std::string& key) { return lemmaOf(mIndex, l) < key; });
    if (it == mLines.end() || lemmaOf(mIndex, *it) != lemma)
        return {};
    const auto f = fields(std::string_view(mIndex.data() + it->first, it->second));
    // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
    unsigned long synsets = 0, pointers = 0;
    parseUnsigned(f[2], 10, synsets);
    if (!parseUnsigned(f[3], 10, pointers) || pointers > f.size() || synsets > f.size() ||
        f.size() != 4 + pointers + 2 + synsets)
        throw fileError((mFolder / "index.noun").string(), "malformed entry for '" + lemma + "'");
    std::vector<std::uint32_t> out;
    for (std::size_t i = 4 + pointers + 2; i < f.size(); ++i) {
        unsigned long o = 0;
        if (!parseUnsigned(f[i], 10, o))
            throw fileError((mFolder / "index.noun").string(), "malformed synset offset for '" + lemma + "'");
        out.push_back(std::uint32_t(o));
    }
    return out;
}

std::vector<std::string> WordNet::baseForms(const std::string& word) const
{
    std::string w = toLowerAscii(word);
    // Trim, collapse inner white space into '_' as the database writes collocations.
    std::string norm;
    bool space = false;
    for (char c : w) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !norm.empty();
            continue;
        }
        if (space)
            norm += '_';
        space = false;
        norm += c;
    }
    std::vector<std::string> variants{norm};
    const auto replaced = [](std::string s, char from, char to) {
        std::replace(s.begin(), s.end(), from, to);
        return s;
    };
    variants.push_back(replaced(norm, '-', '_'));
    variants.push_back(replaced(norm, '_', '-'));
    std::string closed;
    for (char c : norm)
        if (c != '_' && c != '-')
            closed += c;
    variants.push_back(closed);

    std::vector<std::string> out;
    const auto add = [&](const std::string& lemma) {
        if (!lemma.empty() && std::find(out.begin(), out.end(), lemma) == out.end() && !offsetsOf(lemma).empty())
            out.push_back(lemma);
    };
    static const std::pair<const char*, const char*> kSuffixes[] = {
        {"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
    for (const std::string& v : variants)
        add(v);
    // A word the index has as written is that word ("pants", "glasses": one sense each), not also the
    // singular of another ("pant", "glass"); inflections are looked up only for words it does not have.
    if (!out.empty())
        return out;
    for (const std::string& v : variants) {
        if (const auto e = mExceptions.find(v); e != mExceptions.end())
            for (const auto& b : e->second)
                add(b);
        if (v.size() <= 2 || v.compare(v.size() - 2, 2, "ss") == 0)
            continue;
        for (const auto& [suffix, replacement] : kSuffixes) {
            const std::size_t n = std::char_traits<char>::length(suffix);
            if (v.size() > n && v.compare(v.size() - n, n, suffix) == 0)
                add(v.substr(0, v.size() - n) + replacement);
        }
    }
    return out;
}

std::vector<Synset> WordNet::senses(const std::string& word) const
{
    std::vector<Synset> out;
    for (const std::string& lemma : baseForms(word))
        for (std::uint32_t o : offsetsOf(lemma)) {
            if (std::none_of(out.begin(), out.end(), [o](const Synset& s) { return s.offset == o; }))
                out.push_back(synset(o));
        }
    return out;
}

Synset WordNet::synset(std::uint32_t offset) const
{
    {
        std::lock_guard<std::mutex> lock(mCacheMutex);
        if (const auto it = mCache.find(offset); it != mCache.end())
            return it->second;
    }
    const fs::path data = mFolder / "data.noun";
    const std::string where = data.string() + " at byte " + std::to_string(offset);
    std::ifstream in(data, std::ios::binary);
    if (!in)
        throw fileError(data.string(), "cannot be read");
    in.seekg(std::streamoff(offset));
    std::string line;
    if (!in || !std::getline(in, line))
        throw fileError(where, "no synset there (data.noun does not match index.noun)");
    const std::size_t bar = line.find(" | ");
    const auto f = fields(std::string_view(line).substr(0, bar == std::string::npos ? line.size() : bar));
    unsigned long own = 0, lex = 0, words = 0;
    if (f.size() < 4 || !parseUnsigned(f[0], 10, own) || own != offset)
        throw fileError(where, "no synset there (data.noun does not match index.noun)");
    if (f.size() < 7 || !parseUnsigned(f[1], 10, lex) || f[2] != "n" || !parseUnsigned(f[3], 16, words) || words == 0 ||
        words > (f.size() - 5) / 2)
        throw fileError(where, "malformed synset line");
    Synset s;
    s.offset = offset;
    s.lexFile = int(lex);
    std::size_t i = 4;
    for (unsigned long k = 0; k < words; ++k, i += 2)
        s.lemmas.emplace_back(f[i]);
    unsigned long pointers = 0;
    if (!parseUnsigned(f[i], 10, pointers) || pointers > (f.size() - i - 1) / 4)
        throw fileError(where, "malformed pointer list");
    ++i;
    for (unsigned long k = 0; k < pointers; ++k, i += 4) {
        unsigned long target = 0;
        if ((f[i] == "@" || f[i] == "@i") && f[i + 2] == "n" && parseUnsigned(f[i + 1], 10, target))
            s.hypernyms.push_back(std::uint32_t(target));
    }
    if (bar != std::string::npos) {
        s.gloss = line.substr(bar + 3);
        while (!s.gloss.empty() && (s.gloss.back() == ' ' || s.gloss.back() == '\r'))
            s.gloss.pop_back();
    }
    std::lock_guard<std::mutex> lock(mCacheMutex);
    mCache.emplace(offset, s);
    return s;
}

fs::path defaultWordNetFolder()
{
    std::error_code ec;
    if (const char* env = std::getenv("ZEROMASK_WORDNET"); env && *env) {
        const fs::path p(env);
        return fs::is_regular_file(p / "index.noun", ec) ? p : fs::path();
    }
    const fs::path debian("/usr/share/wordnet");
    return fs::is_regular_file(debian / "index.noun", ec) ? debian : fs::path();
}

} // namespace zm
