// `zeromask-cli version`: versions of the stack, thread count and CUDA availability.
#include "app/cli/command.h"

#include "core/embed/wordnet.h"
#include "core/runtime/runtime.h"

#include <iostream>

namespace {
zm::cli::Registrar reg(0, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("version", "Print versions of ZeroMask, LibTorch, OpenCV, fastText; threads; CUDA");
    cmd->callback([] {
        std::cout << zm::runtimeReport();
        const auto wordnet = zm::defaultWordNetFolder();
        std::cout << "word senses: " << (wordnet.empty() ? std::string("off (no WordNet: install wordnet-base)")
                                                         : "WordNet at " + wordnet.string())
                  << "\n";
    });
});
} // namespace
