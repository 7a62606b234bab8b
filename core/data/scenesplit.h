// The subsets the scene generators write (FashionScenes, StampScenes): one type for both.
#pragma once

namespace zm {

enum class SceneSplit { Train, Test, Unlabelled };

/// "train", "test", "unlabelled": the folder and subset name of a split.
const char* sceneSplitName(SceneSplit s);

} // namespace zm
