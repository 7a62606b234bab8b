// A fresh temporary folder per test, removed afterwards.
#pragma once
#include <filesystem>
#include <random>
#include <string>

namespace zm::test {

class TempDir {
public:
    TempDir()
    {
        std::random_device rd;
        mPath = std::filesystem::temp_directory_path() / ("zm-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(mPath);
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(mPath, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return mPath; }
    std::filesystem::path operator/(const std::string& name) const { return mPath / name; }

private:
    std::filesystem::path mPath;
};

} // namespace zm::test
