// Error type of core/: every failure a person can cause (bad file, bad option) is a zm::Error
// whose message names the file or value and the problem, ready to show as is.
#pragma once
#include <stdexcept>
#include <string>

namespace zm {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// "<path>: <problem>", the shape of every file-related message.
inline Error fileError(const std::string& path, const std::string& problem)
{
    return Error(path + ": " + problem);
}

} // namespace zm
