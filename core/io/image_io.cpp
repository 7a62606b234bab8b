// Image reading and writing through OpenCV's imgcodecs.
#include "core/io/image_io.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/strings.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>

namespace zm {

namespace fs = std::filesystem;

const std::vector<std::string>& imageExtensions()
{
    static const std::vector<std::string> exts = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"};
    return exts;
}

bool isImageFile(const fs::path& path)
{
    const std::string ext = toLowerAscii(path.extension().string());
    const auto& e = imageExtensions();
    return std::find(e.begin(), e.end(), ext) != e.end();
}

bool naturalLess(const std::string& a, const std::string& b)
{
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit((unsigned char)a[i]) && std::isdigit((unsigned char)b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit((unsigned char)a[ie])) ++ie;
            while (je < b.size() && std::isdigit((unsigned char)b[je])) ++je;
            std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
            na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
            nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
            if (na.size() != nb.size())
                return na.size() < nb.size();
            if (na != nb)
                return na < nb;
            i = ie;
            j = je;
        } else {
            const char ca = char(std::tolower((unsigned char)a[i])), cb = char(std::tolower((unsigned char)b[j]));
            if (ca != cb)
                return ca < cb;
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

std::vector<fs::path> listImages(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw fileError(dir.string(), "not a folder");
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && isImageFile(entry.path()))
            out.push_back(entry.path());
    std::sort(out.begin(), out.end(),
              [](const fs::path& a, const fs::path& b) { return naturalLess(a.filename().string(), b.filename().string()); });
    return out;
}

Image loadImageRgb(const fs::path& path, ImageInfo* info)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw fileError(path.string(), "file not found");
    if (fs::is_directory(path, ec))
        throw fileError(path.string(), "is a folder, expected an image");
    const auto size = fs::file_size(path, ec);
    if (!ec && size == 0)
        throw fileError(path.string(), "file is empty");
    cv::Mat m;
    try {
        // IMREAD_ANYDEPTH|IMREAD_ANYCOLOR keeps 16-bit; without IMREAD_IGNORE_ORIENTATION EXIF is applied.
        m = cv::imread(path.string(), cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    } catch (const cv::Exception& e) {
        throw fileError(path.string(), std::string("cannot decode image: ") + e.what());
    }
    if (m.empty())
        throw fileError(path.string(), "cannot decode image (unsupported format or corrupt file)");
    if (info) {
        info->width = m.cols;
        info->height = m.rows;
        info->channels = m.channels();
        info->bitsPerChannel = m.depth() == CV_16U ? 16 : (m.depth() == CV_8U ? 8 : 32);
    }
    if (m.depth() != CV_8U) {
        double minV = 0, maxV = 0;
        cv::minMaxLoc(m.reshape(1), &minV, &maxV);
        const double scale = maxV > 0 ? 255.0 / maxV : 1.0;
        cv::Mat m8;
        m.convertTo(m8, CV_8U, scale);
        m = m8;
    }
    cv::Mat rgb;
    switch (m.channels()) {
    case 1: cv::cvtColor(m, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(m, rgb, cv::COLOR_BGRA2RGB); break;
    default: throw fileError(path.string(), "unsupported channel count " + std::to_string(m.channels()));
    }
    Image img(rgb.cols, rgb.rows, 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::copy_n(rgb.ptr<std::uint8_t>(y), std::size_t(rgb.cols) * 3, img.row(y));
    return img;
}

void saveImage(const fs::path& path, const Image& image)
{
    if (image.empty())
        throw fileError(path.string(), "refusing to write an empty image");
    cv::Mat m(image.height, image.width, image.channels == 1 ? CV_8UC1 : CV_8UC3,
              const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat out;
    if (image.channels == 3)
        cv::cvtColor(m, out, cv::COLOR_RGB2BGR);
    else
        out = m;
    std::string ext = toLowerAscii(path.extension().string());
    if (ext.empty())
        ext = ".png";
    std::vector<std::uint8_t> bytes;
    try {
        if (!cv::imencode(ext, out, bytes))
            throw fileError(path.string(), "cannot encode image as " + ext);
    } catch (const cv::Exception& e) {
        throw fileError(path.string(), std::string("cannot encode image: ") + e.what());
    }
    writeFileAtomic(path, std::string(bytes.begin(), bytes.end()));
}

Image resizeImage(const Image& image, int width, int height)
{
    cv::Mat m(image.height, image.width, CV_8UC(image.channels), const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat r;
    cv::resize(m, r, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
    Image out(width, height, image.channels);
    for (int y = 0; y < height; ++y)
        std::copy_n(r.ptr<std::uint8_t>(y), std::size_t(width) * image.channels, out.row(y));
    return out;
}

} // namespace zm
