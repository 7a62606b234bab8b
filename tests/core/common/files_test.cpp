// Atomic writes, reads and SHA-256 known answers.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace zm;

TEST(Sha256, KnownAnswers)
{
    EXPECT_EQ(sha256Hex(std::string()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex(std::string("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex(std::string("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 inc;
    const std::string million(1000000, 'a');
    for (int i = 0; i < 10; ++i)
        inc.update(million.data() + i * 100000, 100000);
    EXPECT_EQ(inc.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Files, AtomicWriteReplacesAndLeavesNoTemp)
{
    test::TempDir dir;
    const auto p = dir / "a.txt";
    writeFileAtomic(p, "first");
    writeFileAtomic(p, "second");
    EXPECT_EQ(readFile(p), "second");
    int entries = 0;
    for (auto& e : fs::directory_iterator(dir.path()))
        (void)e, ++entries;
    EXPECT_EQ(entries, 1);
    EXPECT_EQ(sha256File(p), sha256Hex(std::string("second")));
}

TEST(Files, FailedWriterKeepsOldContent)
{
    test::TempDir dir;
    const auto p = dir / "keep.txt";
    writeFileAtomic(p, "precious");
    EXPECT_THROW(writeFileAtomicWith(p, [](const fs::path&) { throw Error("boom"); }), Error);
    EXPECT_EQ(readFile(p), "precious");
}

TEST(Files, ReadOnlyFolderGivesClearError)
{
    if (geteuid() == 0)
        GTEST_SKIP() << "root ignores folder permissions";
    test::TempDir dir;
    ::chmod(dir.path().c_str(), 0500);
    try {
        writeFileAtomic(dir / "x.txt", "data");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("x.txt"), std::string::npos);
    }
    ::chmod(dir.path().c_str(), 0700);
}

TEST(Files, MissingFileNamesThePath)
{
    try {
        readFile("/nonexistent/zm/file.bin");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/zm/file.bin"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos);
    }
}

TEST(Json, BadJsonNamesFile)
{
    test::TempDir dir;
    writeFileAtomic(dir / "bad.json", "{\"a\": ");
    try {
        loadJsonFile(dir / "bad.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
    }
    saveJsonFile(dir / "good.json", Json{{"a", 1}});
    EXPECT_EQ(loadJsonFile(dir / "good.json")["a"], 1);
}

TEST(Strings, Basics)
{
    EXPECT_EQ(trim("  a b \n"), "a b");
    EXPECT_EQ(toLowerAscii("AnKle Boot"), "ankle boot");
    EXPECT_EQ(split("a;;b;", ';'), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(join({"x", "y"}, ", "), "x, y");
}
