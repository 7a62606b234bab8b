// Small helpers the tests share: the message of a zm::Error, substring checks, unit vectors, and an
// environment variable set for one scope.
#pragma once
#include "core/common/error.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace zm::test {

/// The message of the zm::Error that `f` throws, or "no error".
inline std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// `v` scaled to unit length.
inline std::vector<float> unitOf(std::vector<float> v)
{
    double n = 0;
    for (float x : v)
        n += double(x) * x;
    for (auto& x : v)
        x = float(x / std::sqrt(n));
    return v;
}

/// Sets an environment variable until the end of the scope, then restores it (or unsets it).
class ScopedEnv {
public:
    ScopedEnv(std::string name, const std::string& value) : mName(std::move(name))
    {
        if (const char* old = std::getenv(mName.c_str()))
            mOld = old, mHad = true;
        set(value);
    }
    ~ScopedEnv()
    {
        if (mHad)
            ::setenv(mName.c_str(), mOld.c_str(), 1);
        else
            ::unsetenv(mName.c_str());
    }
    void set(const std::string& value) { ::setenv(mName.c_str(), value.c_str(), 1); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string mName, mOld;
    bool mHad = false;
};

} // namespace zm::test
