// A class -> attribute-vector table (CSV) used as a semantic space instead of word vectors (the
// survey's attribute-driven approach). Torch-free and fastText-free; ClassEmbedder::load() returns an
// embedder over it for any `.csv` file (or a text file that reads as one), so train / eval / predict /
// embed and the GUI take `--vectors zoo.csv` like a fastText file.
//
// Format (UTF-8 text, documented in docs/GENERATIVE.md, "Attribute spaces"):
//   # comment lines and blank lines are ignored; CRLF and a byte-order mark are accepted
//   #! normalize = columns                     <- optional directive: rows (default) | columns
//   class,has_fur,has_wheels,is_round,...      <- header: "class" then one name per attribute
//   cat,1,0,0.2,...                            <- one row per class: name, then numbers
//   "potted plant",0,0,0.5,...                 <- names may be double-quoted (needed for a comma)
// Every row has as many numbers as the header has attributes; class names are unique once case,
// spaces and punctuation are ignored ("Dining_Table" and "dining table" are one class).
#pragma once
#include "core/common/error.h"
#include "core/common/vectorspace.h"
#include "core/embed/embedder.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zm {

/// How the numbers of the table become class vectors.
enum class AttributeScaling {
    Rows,    ///< each row scaled to unit length (the default; an all-zero row is an error)
    Columns, ///< each attribute standardised over the table's classes (mean 0, variance 1; a constant
             ///< attribute becomes 0), then each row scaled to unit length
    None,    ///< the numbers as written (C++ only: embedders always return unit vectors)
};
const char* attributeScalingName(AttributeScaling s);

class AttributeTable {
public:
    /// Throws zm::Error "<path>:<line>: <problem>" for a malformed file (missing header, wrong number
    /// of values, a value that is not a finite number, duplicate class, no rows, unknown directive).
    /// `scaling`: overrides the file's `#! normalize` directive (default: the directive, else Rows).
    static AttributeTable load(const std::filesystem::path& file, std::optional<AttributeScaling> scaling = std::nullopt);
    /// Same, from text; `source` names it in messages and its stem names the space.
    static AttributeTable parse(const std::string& text, const std::string& source,
                                std::optional<AttributeScaling> scaling = std::nullopt);

    int dim() const { return int(mAttributes.size()); }
    int size() const { return int(mNames.size()); }
    AttributeScaling scaling() const { return mScaling; }
    const std::string& source() const { return mSource; }
    const std::vector<std::string>& classNames() const { return mNames; }
    const std::vector<std::string>& attributeNames() const { return mAttributes; }
    /// The class vectors after scaling, in file order.
    const std::vector<std::vector<float>>& vectors() const { return mVectors; }
    /// The numbers as written, in file order.
    const std::vector<std::vector<float>>& rawVectors() const { return mRaw; }

    /// Row of a class, or -1. Names match when they are equal once ASCII case, spaces and punctuation
    /// are ignored (classKey): "Potted Plant", "potted_plant" and "PottedPlant" find "potted plant".
    int find(const std::string& name) const;
    bool contains(const std::string& name) const { return find(name) >= 0; }
    /// The vector of a class; throws unknownClass(name) when the table lacks it.
    const std::vector<float>& vector(const std::string& name) const;
    /// Vectors for several names in order (for a dataset's classes or a ClassSet).
    std::vector<std::vector<float>> vectorsFor(const std::vector<std::string>& names) const;
    /// Up to `n` class names of the table closest in spelling to `name` (edit distance of the keys).
    std::vector<std::string> closest(const std::string& name, int n = 5) const;
    /// The error for a name the table lacks: names the file and the closest classes, and says that an
    /// attribute space cannot embed new words.
    Error unknownClass(const std::string& name) const;

    /// Identity as a vector space: name "attributes:<file stem>", dim, and the sha256 of the table's
    /// content as used (every class key with its scaled vector, in key order), so reformatting,
    /// comments, row order or renamed attribute columns keep the space, and any changed value, class
    /// or scaling gives another one: a model trained on one table refuses another.
    const VectorSpaceId& space() const { return mSpace; }

private:
    std::string mSource;
    AttributeScaling mScaling = AttributeScaling::Rows;
    std::vector<std::string> mNames, mKeys, mAttributes;
    std::vector<std::vector<float>> mVectors, mRaw;
    VectorSpaceId mSpace;
};

/// The key names are matched by: ASCII letters lower-cased, every ASCII character that is not a letter
/// or digit dropped, other bytes (UTF-8) kept. "Dining_Table" -> "diningtable".
std::string classKey(const std::string& name);

/// True for a `.csv` file (any case), and for a file that is not a fastText .bin/.ftz but text whose
/// first line that is not blank or a comment has a comma. Missing files: true only for `.csv`.
bool isAttributeTableFile(const std::filesystem::path& file);

/// A ClassEmbedder over a table: embed(name) is the class's row ("a; b": the normalised mean of the
/// rows of the synonyms the table has; the others are skipped, and a name none of whose synonyms is in
/// the table throws unknownClass), neighbours are the table's classes, the space is table.space().
std::shared_ptr<ClassEmbedder> makeAttributeEmbedder(AttributeTable table, const std::filesystem::path& file);

} // namespace zm
