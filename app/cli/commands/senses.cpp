// `zeromask-cli senses NAME...`: how each typed name is read against a model's classes: its WordNet noun
// senses, which one the word's vector leans to, which one is nearest the model's classes, and whether
// the name's vector was changed (core/embed/senses.h).
#include "app/cli/command.h"

#include "core/common/error.h"
#include "core/common/paths.h"
#include "core/common/strings.h"
#include "core/embed/senses.h"
#include "core/engine/segmenter.h"

#include <iostream>

namespace {

namespace fs = std::filesystem;

struct SensesOpts {
    std::vector<std::string> names;
    std::string model, vectors, wordnet;
    bool all = false;
};

zm::cli::Registrar regSenses(43, [](CLI::App& app) {
    auto o = std::make_shared<SensesOpts>();
    auto* cmd = app.add_subcommand("senses", "Show which WordNet sense of each NAME is used with a model (e.g. flip-flop: the sandal)");
    cmd->add_option("names", o->names, "Class names (synonyms: 'sandal; flip-flop')")->required();
    cmd->add_option("--model", o->model, "Model folder whose classes decide the sense (default: the default model)");
    cmd->add_option("--vectors", o->vectors, "fastText .bin/.ftz (default: the built default vectors)");
    cmd->add_option("--wordnet", o->wordnet, "WordNet database folder (default: $ZEROMASK_WORDNET, else /usr/share/wordnet)");
    cmd->add_flag("--all", o->all, "List every sense compared, with its cosine to the nearest model class");
    cmd->callback([o] {
        const fs::path model = o->model.empty() ? zm::defaultModelPath() : fs::path(o->model);
        if (model.empty())
            throw zm::Error("no model found: give --model DIR, or install the default model (scripts/setup.sh)");
        zm::SegmenterOptions options;
        options.device = "cpu"; // only the card and its class vectors are read
        const auto segmenter = zm::Segmenter::load(model, options);
        const zm::ModelCard& card = segmenter->card();
        std::shared_ptr<const zm::ClassEmbedder> inner = zm::ClassEmbedder::load(zm::resolveVectorsPath(o->vectors));
        if (card.vectorSpace.valid())
            zm::requireSameSpace(card.vectorSpace, inner->spaceId(), "model " + model.string());
        if (card.seenVectors.empty())
            throw zm::Error("model " + model.string() + ": its card has no class vectors, so there is nothing to choose senses by");
        const auto named = zm::nameEmbedderFor(inner, card.seenVectors, zm::SenseMode::On, o->wordnet);
        const auto* senses = dynamic_cast<const zm::SenseAwareEmbedder*>(named.get());
        if (!senses)
            throw zm::Error("word senses are not available for " + inner->file().string());
        std::cout << "model classes: " << zm::join(card.seenClasses, ", ") << "\n";
        for (const auto& name : o->names) {
            std::cout << name << "\n";
            for (const auto& r : senses->read(name)) {
                std::cout << "  " << r.term << ": "
                          << (r.senses < 0 ? std::string()
                                           : std::to_string(r.senses) + " noun sense" + (r.senses == 1 ? "" : "s") + " in WordNet; ")
                          << "word vector " << zm::fmt(r.wordDomain, 2) << " to the nearest model class\n"
                          << "    " << r.reason << "\n";
                if (o->all)
                    for (const auto& c : r.candidates)
                        std::cout << "      " << (c.domain < -1 ? std::string(" n/a") : zm::fmt(c.domain, 2)) << "  "
                                  << c.lemmas << ": " << c.definition << "\n";
            }
            const auto before = inner->embed(name), after = senses->embed(name);
            for (std::size_t i = 0; i < card.seenClasses.size() + card.unseenClasses.size(); ++i) {
                const bool isSeen = i < card.seenClasses.size();
                const auto& cls = isSeen ? card.seenClasses[i] : card.unseenClasses[i - card.seenClasses.size()];
                const auto& v = isSeen ? card.seenVectors[i] : card.unseenVectors[i - card.seenClasses.size()];
                if (v.size() != before.size())
                    continue;
                double a = 0, b = 0;
                for (std::size_t d = 0; d < v.size(); ++d)
                    a += double(before[d]) * v[d], b += double(after[d]) * v[d];
                if (std::max(a, b) >= 0.3)
                    std::cout << "    cosine to " << cls << (isSeen ? "" : " (unseen)") << ": " << zm::fmt(a, 2)
                              << " -> " << zm::fmt(b, 2) << "\n";
            }
        }
    });
});

} // namespace
