// Vector-space identity.
#include "core/common/vectorspace.h"

#include "core/common/error.h"

namespace zm {

std::string VectorSpaceId::str() const
{
    return (name.empty() ? std::string("unnamed") : name) + " (" + std::to_string(dim) + "-d, sha256 " +
           checksum.substr(0, 12) + ")";
}

Json VectorSpaceId::toJson() const { return Json{{"name", name}, {"dim", dim}, {"checksum", checksum}}; }

VectorSpaceId VectorSpaceId::fromJson(const Json& j, const std::string& source)
{
    if (!j.is_object() || !j.contains("dim") || !j.contains("checksum") || !j["dim"].is_number_integer() ||
        !j["checksum"].is_string())
        throw Error(source + ": vector space needs integer 'dim' and string 'checksum'");
    VectorSpaceId id;
    id.name = j.value("name", std::string());
    id.dim = j["dim"].get<int>();
    id.checksum = j["checksum"].get<std::string>();
    return id;
}

void requireSameSpace(const VectorSpaceId& needed, const VectorSpaceId& loaded, const std::string& what)
{
    if (needed == loaded)
        return;
    const std::string attributes = "attributes:";
    if (needed.name.rfind(attributes, 0) == 0) // a class -> attribute table (core/embed/attributetable.h)
        throw Error(what + " was trained in vector space " + needed.str() + ", but the loaded vectors are " +
                    loaded.str() + ". Load the attribute table it was trained with ('" + needed.name.substr(attributes.size()) +
                    ".csv' with the same classes and values; `zeromask-cli vectors info FILE` shows a table's space).");
    throw Error(what + " was trained in vector space " + needed.str() + ", but the loaded vectors are " +
                loaded.str() + ". Load the vectors '" + needed.name + "' (see `zeromask-cli vectors --help`).");
}

} // namespace zm
