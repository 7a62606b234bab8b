// Small fastText models made inside the tests: a corpus with related words, trained with one thread
// and a fixed seed (seconds), plus helpers to write files.
#pragma once
#include "core/embed/fasttextfile.h"

#include <fasttext/fasttext.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace zm::test {

/// A small corpus where animals, vehicles and furniture appear in their own contexts.
inline void writeCorpus(const std::filesystem::path& file, bool labels = false)
{
    const std::vector<std::vector<std::string>> groups = {
        {"cat", "dog", "horse", "sheep", "cow", "giraffe", "zebra", "elephant"},
        {"car", "bus", "truck", "bicycle", "motorbike", "train", "automobile", "sedan"},
        {"chair", "sofa", "table", "bed", "couch", "bench", "desk", "shelf"}};
    const std::vector<std::vector<std::string>> contexts = {
        {"the", "animal", "eats", "grass", "in", "the", "field", "with", "fur", "and", "legs"},
        {"the", "vehicle", "drives", "on", "the", "road", "with", "wheels", "and", "engine"},
        {"the", "furniture", "stands", "in", "the", "room", "with", "wood", "and", "cushions"}};
    std::mt19937 rng(7);
    std::ofstream out(file);
    for (int line = 0; line < 3000; ++line) {
        const int g = line % 3;
        if (labels)
            out << "__label__g" << g << " ";
        for (int w = 0; w < 12; ++w) {
            if (rng() % 2)
                out << groups[g][rng() % groups[g].size()] << " ";
            else
                out << contexts[g][rng() % contexts[g].size()] << " ";
        }
        out << "\n";
    }
}

/// Trains a skip-gram (or supervised when `supervised`) model in-process and saves it.
inline void trainModel(const std::filesystem::path& dir, const std::filesystem::path& out, bool supervised = false,
                       bool quantize = false)
{
    const auto corpus = dir / (supervised ? "corpus-sup.txt" : "corpus.txt");
    writeCorpus(corpus, supervised);
    fasttext::Args a;
    a.input = corpus.string();
    a.model = supervised ? fasttext::model_name::sup : fasttext::model_name::sg;
    a.loss = supervised ? fasttext::loss_name::softmax : fasttext::loss_name::ns;
    a.dim = 16;
    a.epoch = supervised ? 5 : 3;
    a.minCount = 1;
    a.bucket = 2000;
    a.minn = 3;
    a.maxn = 5;
    a.thread = 1;
    a.verbose = 0;
    a.seed = 1;
    a.lr = supervised ? 0.5 : 0.05;
    fasttext::FastText ft;
    ft.train(a);
    if (quantize) {
        fasttext::Args q = a;
        q.dsub = 2;
        q.qnorm = true;
        q.cutoff = 0;
        q.retrain = false;
        ft.quantize(q);
    }
    ft.saveModel(out.string());
}

inline void writeBytes(const std::filesystem::path& file, const std::string& bytes)
{
    std::ofstream(file, std::ios::binary) << bytes;
}

inline std::string readBytes(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline double cosine(const std::vector<float>& a, const std::vector<float>& b)
{
    double d = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        d += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    return d / std::sqrt(na * nb);
}

} // namespace zm::test
