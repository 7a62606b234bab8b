// How a zeromask-cli subcommand plugs in: each file in app/cli/commands/ defines a registration
// function and a static Registrar; main() asks every registered command to add itself to CLI11.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace zm::cli {

/// Adds one subcommand (and its callback) to the app. The callback sets the exit code through
/// `exitCode()`; errors are thrown as zm::Error and printed by main.
using Registration = std::function<void(CLI::App& app)>;

struct Registrar {
    Registrar(int order, Registration r);
};

std::vector<std::pair<int, Registration>>& registrations();

/// Exit code of the command that ran (0 unless the command set it).
int& exitCode();

} // namespace zm::cli
