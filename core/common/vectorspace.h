// Identity of a semantic (vector) space: name, dimension and a checksum of its content. Anything
// trained in a space (a model, a calibration) records it; using it with another space is refused.
#pragma once
#include "core/common/json.h"

#include <string>

namespace zm {

struct VectorSpaceId {
    std::string name;      ///< e.g. "zeromask-en-glove6b-100d"
    int dim = 0;
    std::string checksum;  ///< sha256 (hex) of the space's defining content
    bool valid() const { return dim > 0 && !checksum.empty(); }
    /// "name (dim-d, sha256 first 12 hex digits)": what messages show.
    std::string str() const;
    bool operator==(const VectorSpaceId& o) const { return dim == o.dim && checksum == o.checksum; }
    bool operator!=(const VectorSpaceId& o) const { return !(*this == o); }
    Json toJson() const;
    /// Throws zm::Error naming `source` when a field is missing or has the wrong type.
    static VectorSpaceId fromJson(const Json& j, const std::string& source = "vector space");
};

/// Throws zm::Error("<what> was trained in vector space X but Y is loaded; load X (...)") on mismatch.
void requireSameSpace(const VectorSpaceId& needed, const VectorSpaceId& loaded, const std::string& what);

} // namespace zm
