// `zeromask-cli version`: versions of the stack, thread count and CUDA availability.
#include "app/cli/command.h"

#include "core/runtime/runtime.h"

#include <iostream>

namespace {
zm::cli::Registrar reg(0, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("version", "Print versions of ZeroMask, LibTorch, OpenCV, fastText; threads; CUDA");
    cmd->callback([] { std::cout << zm::runtimeReport(); });
});
} // namespace
