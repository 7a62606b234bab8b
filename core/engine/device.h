// Device selection shared by every engine entry point, without Torch in the header.
#pragma once
#include <string>

namespace zm {

/// "auto" (CUDA when usable, else CPU), "cpu" or "cuda" / "cuda:N". Throws zm::Error for an
/// unknown name or for "cuda" when this LibTorch has no usable CUDA.
std::string resolveDevice(const std::string& requested);

} // namespace zm
