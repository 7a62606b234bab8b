// StampScenes data: which Tux Paint photo stamps make each class, which split each stamp serves, which
// background photos are used, and the seen/unseen class groups behind the stamp-* split presets.
// The stamp table is plain text (one stamp or folder per line) so that a person can read and diff it,
// and so that `zeromask-cli dataset stampscenes --table FILE` can build the same kind of benchmark from
// other cut-outs. The built-in table is kBuiltinStampTable below; DATA.md explains every choice.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace zm {

/// Which split a stamp serves: train (and unlabelled) scenes, test scenes, or both.
enum class StampUse { Both, Train, Test };

/// One line of a stamp table: `class <TAB> use <TAB> path`. A path ending in '/' names a folder: every
/// photo stamp under it (recursively) is used, skipping drawings (folders named `cartoon`, PNGs with a
/// sibling .svg) and Tux Paint's pre-mirrored copies (`*_mirror.png`).
struct StampTableEntry {
    std::string className;
    StampUse use = StampUse::Both;
    std::string path; ///< relative to the stamps folder
    int line = 0;     ///< line in the table text (for messages)
};

/// The built-in table (tuxpaint-stamps-default 2022.06.04): 24 classes, 104 photo stamps, exact paths.
const std::string& builtinStampTable();

/// Parses a table: '#' starts a comment, blank lines are skipped, fields are separated by tabs or runs of
/// two or more spaces (class names may contain single spaces: "garbage can"). `origin` names the table
/// in messages. Throws zm::Error naming the line.
std::vector<StampTableEntry> parseStampTable(const std::string& text, const std::string& origin);

/// The classes of a table in order of first appearance, after "background".
std::vector<std::string> stampTableClassNames(const std::vector<StampTableEntry>& table);

/// "background" + the built-in table's 24 classes (the classes.txt of a default StampScenes set).
std::vector<std::string> stampSceneClassNames();

/// Class groups of the built-in table (the stamp-* presets): seen animals, unseen animals, seen objects,
/// unseen objects. Each unseen class has a seen relative (antelope ~ deer, rodent ~ rabbit, duck ~ chicken,
/// penguin ~ duck/chicken; truck ~ car, orange ~ apple, drum ~ guitar, tank ~ truck/car).
const std::vector<std::string>& stampAnimalsSeen();
const std::vector<std::string>& stampAnimalsUnseen();
const std::vector<std::string>& stampObjectsSeen();
const std::vector<std::string>& stampObjectsUnseen();
/// Seen-val (calibration) classes of the stamp-* presets: seen in every one of them.
const std::vector<std::string>& stampSeenVal();

/// Background photos from Debian packages that show none of the benchmark classes, each with its fixed
/// split. Train and test never share a photo (nor a view of the same scene).
struct StampBackgroundSource {
    const char* path;
    StampUse use; ///< Train or Test
};
const std::vector<StampBackgroundSource>& stampSystemBackgrounds();
/// Photographs among the desktop wallpapers of Debian's plasma-workspace-wallpapers and mate-backgrounds
/// (generator version 2; StampScenesOptions::wallpaperBackgrounds), each with its fixed split.
const std::vector<StampBackgroundSource>& stampWallpaperBackgrounds();

/// Default stamps folder: /usr/share/tuxpaint/stamps (Debian package tuxpaint-stamps-default).
std::filesystem::path defaultStampsDir();

} // namespace zm
