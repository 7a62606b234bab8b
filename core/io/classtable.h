// ClassTable: a project's classes with stable ids, names, synonyms and colours, plus the vector space
// and the model that made the predictions. Saved as the versioned label map file (labelmap.json).
// Ids are what LabelMap pixels hold; they never change and are never reused, so renaming, reordering
// or deleting a class keeps every labelled pixel's identity.
#pragma once
#include "core/common/image.h"
#include "core/common/json.h"
#include "core/common/vectorspace.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zm {

using Rgb = std::array<std::uint8_t, 3>;

struct ClassEntry {
    std::uint16_t id = 0;
    std::string name;                  ///< display name, e.g. "cat"
    std::vector<std::string> synonyms; ///< e.g. {"kitten"}; averaged with the name by the embedder
    Rgb color{0, 0, 0};
    /// "cat; kitten": the name as typed, what ClassEmbedder::embed() takes.
    std::string typed() const;
};

class ClassTable {
public:
    static constexpr const char* kFormat = "zeromask-labelmap";
    static constexpr int kVersion = 1;

    ClassTable() = default;
    /// Classes as typed, in order ("cat; kitten" = class "cat" with synonym "kitten"); ids 0, 1, 2, ...
    /// Throws zm::Error for an empty name or a name given twice.
    static ClassTable fromTyped(const std::vector<std::string>& typed);
    /// Parses the CLI form "cat; kitten, dog, sofa": ',' separates classes, ';' synonyms.
    static std::vector<std::string> splitClassList(const std::string& list);

    /// Adds a class and returns its new id (never a deleted id, the ignore index or LabelMap::kVoid).
    /// Colour: the VOC palette colour of the id unless given.
    std::uint16_t add(const std::string& name, std::vector<std::string> synonyms = {}, std::optional<Rgb> color = {});
    void rename(std::uint16_t id, const std::string& name, std::vector<std::string> synonyms);
    void setColor(std::uint16_t id, Rgb color);
    /// Removes a class; its id is not reused.
    void remove(std::uint16_t id);

    const std::vector<ClassEntry>& classes() const { return mClasses; }
    int size() const { return int(mClasses.size()); }
    bool empty() const { return mClasses.empty(); }
    const ClassEntry* find(std::uint16_t id) const;
    /// Throws zm::Error when the id is unknown.
    const ClassEntry& at(std::uint16_t id) const;
    bool contains(std::uint16_t id) const { return find(id) != nullptr; }
    /// Case-insensitive lookup by name or synonym; nullptr when none.
    const ClassEntry* findByName(const std::string& name) const;
    /// Largest id in use (0 when empty).
    std::uint16_t maxId() const;
    std::uint16_t nextId() const { return mNextId; }

    /// The 8-bit value that means void/ignore in PNG exports (255 by default). Never a class id.
    std::uint16_t ignoreIndex() const { return mIgnoreIndex; }
    void setIgnoreIndex(std::uint16_t v);

    VectorSpaceId vectorSpace;  ///< space the class vectors live in (may be invalid = unknown)
    Json model = Json::object(); ///< model that made the predictions: {"name", "path", ...}

    /// Throws zm::Error naming `source` when a pixel holds an id that is not in the table.
    void checkIds(const LabelMap& labels, const std::string& source) const;

    Json toJson() const;
    /// Throws zm::Error naming `source` for a wrong format, a newer version, missing fields,
    /// duplicate ids or names.
    static ClassTable fromJson(const Json& j, const std::string& source = "label map");
    void save(const std::filesystem::path& file) const;
    static ClassTable load(const std::filesystem::path& file);

    bool operator==(const ClassTable& o) const;
    bool operator!=(const ClassTable& o) const { return !(*this == o); }

private:
    std::vector<ClassEntry> mClasses; // in display order
    std::uint16_t mNextId = 0;
    std::uint16_t mIgnoreIndex = 255;
    std::uint16_t allocateId();
};

/// The PASCAL VOC colour map: 256 entries, index 255 = (224, 224, 192), VOC's void colour.
const std::array<Rgb, 256>& vocPalette();

} // namespace zm
