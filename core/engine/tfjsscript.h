// Internal to the two TF.js converters (tfjsconvert.cpp: Keras layers, tfjsgraph.cpp: graph
// models): the TorchScript pieces both write the same way: the input step that undoes the engine's
// normalisation, TF's "same" padding at run time, and compiling, probing and saving the module.
#pragma once
#include "core/engine/tfjsconvert.h"

#include <torch/script.h>

#include <filesystem>
#include <sstream>
#include <string>

namespace zm::tfjsscript {

/// A float as TorchScript source that reads back as the same float32 ("%.9g", always with a dot).
std::string floatLiteral(double v);
/// A layer or node name as part of an attribute name: [A-Za-z0-9_] kept, anything else '_'.
std::string identifierOf(const std::string& name);

/// Emits the first lines of forward(x): undoes `options.input` (buffers input_std/input_mean on
/// `module` for "imagenet") and scales to RGB 0..options.inputRange. Throws for an unknown input
/// or a non-positive range.
void emitInput(torch::jit::Module& module, std::ostringstream& body, const TfjsConvertOptions& options);

/// TorchScript method `same_pad(x, kh, kw, sh, sw, dh, dw, value)`: TF's "SAME" padding (the odd
/// pixel after, at the bottom/right) computed from x's size at run time.
extern const char* const kSamePadMethod;

/// Compiles `source` into `module`, probes it on [1,3,64,64] (channels and stride into `report`),
/// counts its parameters and saves it atomically to `out` (train mode, so the weights fine-tune).
/// `what` names the cut in messages ("the layers up to 'x'"). Errors name `modelFile`.
void finishModule(torch::jit::Module& module, const std::string& source, const std::string& modelFile, const std::string& what,
                  const std::filesystem::path& out, TfjsConvertReport& report);

} // namespace zm::tfjsscript
