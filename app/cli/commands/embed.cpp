// `zeromask-cli embed NAME...`, `neighbors NAME`, `similarity A B`: class names in a word-vector space
// (or an attribute table's space: neighbours are then its classes).
#include "app/cli/command.h"

#include "core/common/strings.h"
#include "core/embed/embedder.h"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace {

std::shared_ptr<zm::ClassEmbedder> open(const std::string& vectors)
{
    return zm::ClassEmbedder::load(zm::resolveVectorsPath(vectors));
}

struct EmbedOpts {
    std::vector<std::string> names;
    std::string vectors;
    bool norms = false, explain = false;
};

zm::cli::Registrar regEmbed(40, [](CLI::App& app) {
    auto o = std::make_shared<EmbedOpts>();
    auto* cmd = app.add_subcommand("embed", "Print the class vector of each NAME (synonyms: 'car; automobile')");
    cmd->add_option("names", o->names, "Class names")->required();
    cmd->add_option("--vectors", o->vectors, "fastText .bin/.ftz or class -> attribute table .csv (default: the built default vectors)");
    cmd->add_flag("--norms", o->norms, "Print the norm (always 1) and the space instead of the values");
    cmd->add_flag("--explain", o->explain, "Show how each name was read (vocabulary words, splits, n-grams)");
    cmd->callback([o] {
        const auto e = open(o->vectors);
        for (const auto& name : o->names) {
            const auto v = e->embed(name);
            std::cout << name;
            if (o->explain)
                std::cout << "\t" << e->explain(name);
            if (o->norms) {
                double s = 0;
                for (float x : v)
                    s += double(x) * x;
                std::cout << "\tnorm " << zm::fmt(std::sqrt(s), 4) << "\t" << e->spaceId().str();
            } else {
                std::ostringstream line;
                line << std::setprecision(6);
                for (float x : v)
                    line << ' ' << x;
                std::cout << "\t" << line.str().substr(1);
            }
            std::cout << "\n";
        }
    });
});

struct NeighborOpts {
    std::string name, vectors;
    int k = 10;
};

zm::cli::Registrar regNeighbors(41, [](CLI::App& app) {
    auto o = std::make_shared<NeighborOpts>();
    auto* cmd = app.add_subcommand("neighbors", "Nearest vocabulary words (an attribute table: classes) of a class name, with cosines");
    cmd->add_option("name", o->name, "Class name")->required();
    cmd->add_option("-k", o->k, "How many neighbours")->check(CLI::Range(1, 1000));
    cmd->add_option("--vectors", o->vectors, "fastText .bin/.ftz or class -> attribute table .csv (default: the built default vectors)");
    cmd->callback([o] {
        const auto e = open(o->vectors);
        for (const auto& n : e->neighbors(e->embed(o->name), o->k))
            std::cout << zm::fmt(n.cosine, 4) << "\t" << n.word << "\n";
    });
});

struct SimilarityOpts {
    std::string a, b, vectors;
};

zm::cli::Registrar regSimilarity(42, [](CLI::App& app) {
    auto o = std::make_shared<SimilarityOpts>();
    auto* cmd = app.add_subcommand("similarity", "Cosine between two class names");
    cmd->add_option("a", o->a, "First class name")->required();
    cmd->add_option("b", o->b, "Second class name")->required();
    cmd->add_option("--vectors", o->vectors, "fastText .bin/.ftz or class -> attribute table .csv (default: the built default vectors)");
    cmd->callback([o] {
        const auto e = open(o->vectors);
        std::cout << zm::fmt(e->similarity(o->a, o->b), 4) << "\n";
    });
});

} // namespace
