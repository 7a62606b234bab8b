// Where ZeroMask's shipped data lives: the source tree when run from a build folder, the installed
// share folder (/usr/share/zeromask) when installed from the .deb, or what the environment says.
#pragma once
#include <filesystem>
#include <vector>

namespace zm {

/// Folders that may hold `models/` and `resources/`, most specific first: $ZEROMASK_DATA_DIR,
/// <exe>/../share/zeromask, the source tree this binary was built from, /usr/share/zeromask.
std::vector<std::filesystem::path> dataDirs();

/// First existing `<dataDir>/<relative>`; empty path if none exists.
std::filesystem::path findData(const std::filesystem::path& relative);

/// The shipped default model: $ZEROMASK_MODEL, else findData("models/default"). Empty if none.
std::filesystem::path defaultModelPath();

/// The bundled sample images: findData("resources/samples").
std::filesystem::path samplesDir();

} // namespace zm
