// Reading and writing images as zm::Image: JPEG, PNG, BMP, TIFF, WebP; 8- and 16-bit; grey and colour;
// EXIF orientation applied. Every failure is a zm::Error naming the file.
#pragma once
#include "core/common/image.h"

#include <filesystem>
#include <string>
#include <vector>

namespace zm {

struct ImageInfo {
    int width = 0;
    int height = 0;
    int channels = 0;      ///< channels in the file (before conversion)
    int bitsPerChannel = 8;
};

/// Loads an image as 8-bit RGB (3 channels; grey is expanded). 16-bit images are scaled to 8 bits by
/// their actual range maximum (a 12-bit image stored in 16 bits stays visible). EXIF orientation is applied.
Image loadImageRgb(const std::filesystem::path& path, ImageInfo* info = nullptr);

/// Writes an 8-bit image (grey or RGB) atomically; format from the extension (.png, .jpg, .bmp, .tif).
void saveImage(const std::filesystem::path& path, const Image& image);

/// File extensions (lower case, with dot) that loadImageRgb understands.
const std::vector<std::string>& imageExtensions();
bool isImageFile(const std::filesystem::path& path);

/// Image files directly inside `dir` (not recursive), sorted by name in natural order (img2 < img10).
std::vector<std::filesystem::path> listImages(const std::filesystem::path& dir);

/// Natural-order comparison of two file names ("img2.png" < "img10.png").
bool naturalLess(const std::string& a, const std::string& b);

/// Bilinear (image) resize done without OpenCV in the caller.
Image resizeImage(const Image& image, int width, int height);

} // namespace zm
