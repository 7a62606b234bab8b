// A class -> attribute-vector table (CSV) usable as the semantic space of any method instead of word
// vectors (the survey's attribute-driven approach). Torch-free: the CLI reads it directly.
//
// Format (UTF-8 text, documented in docs/GENERATIVE.md):
//   # comment lines and blank lines are ignored
//   class,has_fur,has_wheels,is_round,...      <- header: "class" then one name per attribute
//   cat,1,0,0.2,...                            <- one row per class: name, then numbers
//   "potted plant",0,0,0.5,...                 <- names may be double-quoted (needed for a comma)
// Every row has as many numbers as the header has attributes; names are unique (case-insensitive).
#pragma once
#include "core/common/vectorspace.h"

#include <filesystem>
#include <string>
#include <vector>

namespace zm::generative {

class AttributeTable {
public:
    /// Throws zm::Error "<path>:<line>: <problem>" for a malformed file (missing header, wrong number
    /// of values, a value that is not a finite number, duplicate class, no rows).
    /// normalize: scale every vector to unit length, as the word-vector spaces are (an all-zero row
    /// is then an error).
    static AttributeTable load(const std::filesystem::path& file, bool normalize = true);
    /// Same, from text; `source` names it in messages.
    static AttributeTable parse(const std::string& text, const std::string& source, bool normalize = true);

    int dim() const { return int(mAttributes.size()); }
    int size() const { return int(mNames.size()); }
    const std::vector<std::string>& classNames() const { return mNames; }
    const std::vector<std::string>& attributeNames() const { return mAttributes; }
    const std::vector<std::vector<float>>& vectors() const { return mVectors; }

    /// True when the table has the class (case-insensitive, surrounding spaces ignored).
    bool contains(const std::string& name) const;
    /// The vector of a class; throws zm::Error naming the table and the class, with the known classes.
    const std::vector<float>& vector(const std::string& name) const;
    /// Vectors for several names in order (for a dataset's classes or a ClassSet).
    std::vector<std::vector<float>> vectorsFor(const std::vector<std::string>& names) const;

    /// Identity as a vector space: name "attributes:<file stem>", dim, sha256 of the file's content and
    /// the normalisation flag, so a model trained on one table refuses another.
    const VectorSpaceId& space() const { return mSpace; }

private:
    std::string mSource;
    std::vector<std::string> mNames, mAttributes;
    std::vector<std::vector<float>> mVectors;
    VectorSpaceId mSpace;
};

} // namespace zm::generative
