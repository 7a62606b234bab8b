// ThumbnailCache: thumbnails are made in a worker, fit the box with the aspect kept, are cached in
// memory and on disk (a second cache with the same folder decodes nothing), follow file changes, and
// an unreadable file is reported.
#include "ui/app/thumbnailcache.h"
#include "tests/support/testdir.h"
#include "tests/ui/support/uitest.h"

#include "core/io/image_io.h"

#include <QSignalSpy>
#include <QThread>
#include <gtest/gtest.h>

#include <fstream>

using namespace zm;

namespace {

QString qpath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

} // namespace

TEST(ThumbnailCache, MakesFittingThumbnailsInAWorkerAndCachesThem)
{
    test::TempDir dir;
    saveImage(dir / "wide.png", test::threeColourImage(400, 200));
    saveImage(dir / "tall.jpg", test::threeColourImage(300, 600));
    {
        std::ofstream(dir / "broken.png") << "not a png";
    }
    const QString wide = qpath(dir / "wide.png"), tall = qpath(dir / "tall.jpg"), broken = qpath(dir / "broken.png");

    ui::ThumbnailCache cache(QSize(96, 72));
    cache.setDiskCacheFolder(qpath(dir / "cache"));
    QSignalSpy ready(&cache, &ui::ThumbnailCache::ready);
    QSignalSpy failed(&cache, &ui::ThumbnailCache::failed);
    cache.request({wide, tall, broken});
    EXPECT_TRUE(cache.cached(wide).isNull()); // nothing is made on the GUI thread
    ASSERT_TRUE(test::waitFor([&] { return cache.isIdle(); }));
    EXPECT_EQ(ready.count(), 2);
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(failed.at(0).at(0).toString(), broken);
    EXPECT_EQ(cache.cached(wide).size(), QSize(96, 48));
    EXPECT_EQ(cache.cached(tall).size(), QSize(36, 72));
    // Colours survive: the left of the wide image is red, its right green.
    const QColor left = cache.cached(wide).pixelColor(30, 30), right = cache.cached(wide).pixelColor(80, 30);
    EXPECT_GT(left.red(), 150);
    EXPECT_GT(right.green(), 130);
    EXPECT_EQ(cache.decodedCount(), 3);

    // In memory: asking again decodes nothing.
    cache.request({wide, tall});
    EXPECT_TRUE(cache.isIdle());
    EXPECT_EQ(cache.decodedCount(), 3);

    // On disk: a new cache (the next start) reads the cached files instead of decoding the images.
    ui::ThumbnailCache again(QSize(96, 72));
    again.setDiskCacheFolder(qpath(dir / "cache"));
    again.request({wide, tall});
    ASSERT_TRUE(test::waitFor([&] { return again.isIdle(); }));
    EXPECT_EQ(again.decodedCount(), 0);
    EXPECT_EQ(again.cached(tall).size(), QSize(36, 72));

    // A changed file (new size and time) gets a new thumbnail.
    saveImage(dir / "wide.png", test::threeColourImage(200, 200));
    std::filesystem::last_write_time(dir / "wide.png",
                                     std::filesystem::last_write_time(dir / "wide.png") + std::chrono::seconds(5));
    again.request({wide});
    ASSERT_TRUE(test::waitFor([&] { return again.isIdle(); }));
    EXPECT_EQ(again.decodedCount(), 1);
    EXPECT_EQ(again.cached(wide).size(), QSize(72, 72));
}

TEST(ThumbnailCache, NewRequestReplacesTheQueue)
{
    test::TempDir dir;
    QStringList many;
    for (int i = 0; i < 6; ++i) {
        saveImage(dir / ("i" + std::to_string(i) + ".png"), test::threeColourImage(640, 480));
        many << qpath(dir / ("i" + std::to_string(i) + ".png"));
    }
    ui::ThumbnailCache cache;
    cache.setDiskCacheFolder({});
    cache.request(many);
    cache.request({many.back()}); // another folder was opened: the old queue is dropped
    ASSERT_TRUE(test::waitFor([&] { return cache.isIdle(); }));
    EXPECT_LE(cache.decodedCount(), 2); // at most the one already running, plus the new one
    EXPECT_FALSE(cache.cached(many.back()).isNull());
}

TEST(ThumbnailCache, DiskCacheIsPrunedLeastRecentlyUsedFirst)
{
    test::TempDir dir;
    const auto now = std::filesystem::file_time_type::clock::now();
    for (int i = 0; i < 5; ++i) {
        const auto p = dir / ("t" + std::to_string(i) + ".png");
        std::ofstream(p, std::ios::binary) << std::string(1000, char('a' + i));
        std::filesystem::last_write_time(p, now - std::chrono::hours(10 - i)); // t0 oldest
    }
    std::ofstream(dir / "notes.txt") << std::string(5000, 'x'); // not a thumbnail: left alone
    EXPECT_EQ(ui::ThumbnailCache::pruneDiskCache(qpath(dir.path()), 10000), 0); // fits
    EXPECT_EQ(ui::ThumbnailCache::pruneDiskCache(qpath(dir.path()), 2500), 3);
    for (int i = 0; i < 3; ++i)
        EXPECT_FALSE(std::filesystem::exists(dir / ("t" + std::to_string(i) + ".png"))) << i;
    EXPECT_TRUE(std::filesystem::exists(dir / "t3.png"));
    EXPECT_TRUE(std::filesystem::exists(dir / "t4.png"));
    EXPECT_TRUE(std::filesystem::exists(dir / "notes.txt"));
    EXPECT_EQ(ui::ThumbnailCache::pruneDiskCache(qpath(dir / "missing"), 0), 0);

    // A cache hit marks its file as used: when the budget holds one file, that one stays.
    test::TempDir images;
    saveImage(images / "a.png", test::threeColourImage(40, 20));
    saveImage(images / "b.png", test::threeColourImage(20, 40));
    const QString a = qpath(images / "a.png"), b = qpath(images / "b.png");
    const QString folder = qpath(images / "cache");
    {
        ui::ThumbnailCache cache(QSize(96, 72));
        cache.setDiskCacheFolder(folder);
        cache.request({a, b});
        ASSERT_TRUE(test::waitFor([&] { return cache.isIdle(); }));
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(images / "cache"))
        files.push_back(e.path());
    ASSERT_EQ(files.size(), 2u);
    for (const auto& f : files)
        std::filesystem::last_write_time(f, now - std::chrono::hours(5));
    {
        ui::ThumbnailCache cache(QSize(96, 72));
        cache.setDiskCacheFolder(folder);
        cache.request({b});
        ASSERT_TRUE(test::waitFor([&] { return cache.isIdle(); }));
        EXPECT_EQ(cache.decodedCount(), 0);
    }
    const qint64 largest = std::max(std::filesystem::file_size(files[0]), std::filesystem::file_size(files[1]));
    EXPECT_EQ(ui::ThumbnailCache::pruneDiskCache(folder, largest), 1);
    ui::ThumbnailCache cache(QSize(96, 72));
    cache.setDiskCacheFolder(folder);
    cache.request({b});
    ASSERT_TRUE(test::waitFor([&] { return cache.isIdle(); }));
    EXPECT_EQ(cache.decodedCount(), 0); // b's file survived
}
