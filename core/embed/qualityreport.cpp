// Embedding quality report (see qualityreport.h).
#include "core/embed/qualityreport.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/paths.h"
#include "core/common/strings.h"

#include <algorithm>
#include <sstream>

namespace zm {

std::filesystem::path defaultQualityNamesPath() { return findData("core/embed/quality_names.tsv"); }

QualityReport runQualityReport(const ClassEmbedder& e, const std::filesystem::path& names, int k)
{
    if (names.empty())
        throw Error("no quality name list found (core/embed/quality_names.tsv); pass --names FILE");
    QualityReport rep;
    rep.k = k;
    std::istringstream in(readFile(names));
    std::string line;
    int lineNo = 0;
    double cosSum = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (trim(line).empty() || trim(line)[0] == '#')
            continue;
        const auto f = split(line, '\t', false);
        QualityItem it;
        if (f.size() == 2 && f[0] == "class") {
            it.isClass = true;
            it.typed = it.meant = f[1];
        } else if (f.size() == 3 && f[0] == "variant") {
            it.typed = f[1];
            it.meant = f[2];
        } else {
            throw fileError(names.string(), "line " + std::to_string(lineNo) +
                                                " is not 'class<TAB>NAME' or 'variant<TAB>TYPED<TAB>MEANT'");
        }
        it.how = e.explain(it.typed);
        it.top = e.neighbors(e.embed(it.typed), k);
        it.cosine = e.similarity(it.typed, it.meant);
        if (it.isClass) {
            // Exact: every word was read from the vocabulary, and each word's nearest word is itself.
            bool exact = it.how.find("=split") == std::string::npos && it.how.find("=n-grams") == std::string::npos;
            std::size_t pos = 0;
            while (exact && (pos = it.how.find('[', pos)) != std::string::npos) {
                const auto end = it.how.find(']', pos);
                const std::string w = it.how.substr(pos + 1, end - pos - 1);
                const auto nn = e.neighbors(e.embed(w), 1);
                exact = !nn.empty() && nn[0].word == w && nn[0].cosine > 0.999f;
                pos = end;
            }
            it.hit = exact;
            ++rep.classes;
            rep.classesExact += it.hit;
        } else {
            std::string meant = toLowerAscii(it.meant);
            it.hit = true;
            for (const auto& w : split(meant, ' '))
                it.hit = it.hit && std::any_of(it.top.begin(), it.top.end(), [&](const Neighbor& n) { return n.word == w; });
            ++rep.variants;
            rep.variantsHit += it.hit;
            cosSum += it.cosine;
        }
        rep.items.push_back(std::move(it));
    }
    rep.variantMeanCosine = rep.variants ? cosSum / rep.variants : 0;
    return rep;
}

} // namespace zm
