// A small WordNet database written by the tests in the original file layout (wndb(5)): a licence header,
// data.noun lines at the byte offsets index.noun names, and noun.exc.
#pragma once
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace zm::test {

struct MiniSynset {
    std::string key;                    ///< test name of the synset
    std::vector<std::string> lemmas;    ///< as the database writes them ("flip-flop", "ankle_boot")
    std::vector<std::string> hypernyms; ///< keys of other synsets
    std::string gloss;
    int lexFile = 6;
};

/// Writes index.noun / data.noun / noun.exc into `dir`; `senses` lists each lemma's synsets in sense order.
/// Returns each synset's byte offset by key.
inline std::map<std::string, unsigned> writeMiniWordNet(const std::filesystem::path& dir, const std::vector<MiniSynset>& synsets,
                                                        const std::map<std::string, std::vector<std::string>>& senses,
                                                        const std::string& exceptions = {})
{
    std::filesystem::create_directories(dir);
    const std::string header = "  1 This software and database is being provided to you, the LICENSEE, by\n"
                               "  2 Princeton University under the following license.\n";
    std::map<std::string, unsigned> offset;
    const auto line = [&](const MiniSynset& s) {
        char buf[32];
        std::string out;
        std::snprintf(buf, sizeof buf, "%08u", offset.count(s.key) ? offset[s.key] : 0u);
        out += buf;
        std::snprintf(buf, sizeof buf, " %02d n %02zx", s.lexFile, s.lemmas.size());
        out += buf;
        for (const auto& l : s.lemmas)
            out += " " + l + " 0";
        std::snprintf(buf, sizeof buf, " %03zu", s.hypernyms.size());
        out += buf;
        for (const auto& h : s.hypernyms) {
            std::snprintf(buf, sizeof buf, " @ %08u n 0000", offset.count(h) ? offset[h] : 0u);
            out += buf;
        }
        return out + " | " + s.gloss + "  \n";
    };
    // Offsets do not change line lengths (fixed-width fields): measure, then write.
    unsigned at = unsigned(header.size());
    for (const auto& s : synsets) {
        offset[s.key] = at;
        at += unsigned(line(s).size());
    }
    std::ofstream data(dir / "data.noun", std::ios::binary);
    data << header;
    for (const auto& s : synsets)
        data << line(s);
    std::ofstream index(dir / "index.noun", std::ios::binary);
    index << header;
    for (const auto& [lemma, keys] : senses) { // std::map: sorted, as WordNet's index is
        index << lemma << " n " << keys.size() << " 1 @ " << keys.size() << " 0";
        for (const auto& k : keys) {
            char buf[32];
            std::snprintf(buf, sizeof buf, " %08u", offset.at(k));
            index << buf;
        }
        index << "  \n";
    }
    if (!exceptions.empty())
        std::ofstream(dir / "noun.exc", std::ios::binary) << exceptions;
    return offset;
}

/// The four senses of "flip-flop" as WordNet 3.0 has them (the sandal's hypernym included), for tests
/// that read names with the real default vectors.
inline void writeFlipFlopWordNet(const std::filesystem::path& dir)
{
    writeMiniWordNet(dir,
                     {{"reversal", {"reversal", "change_of_mind", "flip-flop", "turnabout", "turnaround"}, {},
                       "a decision to reverse an earlier decision", 9},
                      {"sandal", {"sandal"}, {}, "a shoe consisting of a sole fastened by straps to the foot"},
                      {"thong", {"flip-flop", "thong"}, {"sandal"},
                       "a backless sandal held to the foot by a thong between the big toe and the second toe"},
                      {"circuit", {"flip-flop"}, {}, "an electronic circuit that can assume either of two stable states"},
                      {"somersault", {"flip-flop"}, {}, "a backward somersault", 4}},
                     {{"flip-flop", {"reversal", "thong", "circuit", "somersault"}}, {"sandal", {"sandal"}}});
}

} // namespace zm::test
