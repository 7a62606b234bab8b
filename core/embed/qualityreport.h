// The embedding quality report: for real class names and typed variants of them (misspellings,
// inflections, compounds), whether the meant word is among the k nearest vocabulary neighbours.
#pragma once
#include "core/embed/embedder.h"

#include <filesystem>
#include <string>
#include <vector>

namespace zm {

struct QualityItem {
    bool isClass = false;      ///< a real class name (else a variant)
    std::string typed, meant;
    bool hit = false;          ///< class: every word in vocabulary and its own nearest word; variant: see below
    float cosine = 0;          ///< similarity(typed, meant)
    std::string how;           ///< ClassEmbedder::explain(typed)
    std::vector<Neighbor> top; ///< k nearest words of embed(typed)
};

struct QualityReport {
    int k = 10;
    int classes = 0, classesExact = 0;
    int variants = 0, variantsHit = 0;
    double variantMeanCosine = 0;
    std::vector<QualityItem> items;
};

/// The committed name list (core/embed/quality_names.tsv) found through the data folders.
std::filesystem::path defaultQualityNamesPath();

/// Runs the report. A variant is a hit when every word of the meant name is among the k nearest
/// vocabulary words of the typed name's vector. Throws zm::Error naming the list file on bad lines.
QualityReport runQualityReport(const ClassEmbedder& embedder, const std::filesystem::path& names, int k = 10);

} // namespace zm
