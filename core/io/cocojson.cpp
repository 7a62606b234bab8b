// COCO JSON writing, merging and reading of semantic label maps.
#include "core/io/cocojson.h"

#include "core/common/error.h"
#include "core/io/cocorle.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace zm {

Json cocoCategories(const ClassTable& table)
{
    Json cats = Json::array();
    for (const auto& c : table.classes())
        cats.push_back({{"id", c.id}, {"name", c.name}, {"supercategory", ""}, {"synonyms", c.synonyms},
                        {"color", {c.color[0], c.color[1], c.color[2]}}});
    return cats;
}

Json cocoImagePart(int imageId, const std::string& fileName, const LabelMap& labels)
{
    Json anns = Json::array();
    for (const auto& [id, rle] : rleEncodeLabels(labels)) {
        const auto box = rle.bbox();
        anns.push_back({{"image_id", imageId},
                        {"category_id", id},
                        {"segmentation", {{"size", {rle.height, rle.width}}, {"counts", rleToString(rle.counts)}}},
                        {"area", rle.area()},
                        {"bbox", {box[0], box[1], box[2], box[3]}},
                        {"iscrowd", 0}});
    }
    return {{"image", {{"id", imageId}, {"file_name", fileName}, {"width", labels.width}, {"height", labels.height}}},
            {"annotations", anns}};
}

Json cocoMerge(const std::vector<Json>& parts, const ClassTable& table)
{
    std::vector<const Json*> sorted;
    for (const auto& p : parts)
        sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Json* a, const Json* b) {
        return a->at("image").at("id").get<long long>() < b->at("image").at("id").get<long long>();
    });
    Json images = Json::array(), anns = Json::array();
    long long annId = 1;
    for (const Json* p : sorted) {
        images.push_back(p->at("image"));
        for (Json a : p->at("annotations")) {
            a["id"] = annId++;
            anns.push_back(std::move(a));
        }
    }
    Json info = {{"description", "ZeroMask semantic labels"}, {"version", "1.0"}};
    if (!table.model.empty())
        info["model"] = table.model;
    return {{"info", info},
            {"licenses", Json::array()},
            {"images", images},
            {"annotations", anns},
            {"categories", cocoCategories(table)}};
}

namespace {

void paintPolygons(const Json& seg, std::uint16_t id, LabelMap& labels)
{
    cv::Mat mask(labels.height, labels.width, CV_8UC1, cv::Scalar(0));
    std::vector<std::vector<cv::Point>> polys;
    for (const auto& poly : seg) {
        const auto xy = poly.get<std::vector<double>>();
        std::vector<cv::Point> pts;
        for (std::size_t i = 0; i + 1 < xy.size(); i += 2)
            pts.emplace_back(int(std::lround(xy[i])), int(std::lround(xy[i + 1])));
        if (pts.size() >= 3)
            polys.push_back(std::move(pts));
    }
    if (!polys.empty())
        cv::fillPoly(mask, polys, cv::Scalar(1));
    for (int y = 0; y < labels.height; ++y) {
        const std::uint8_t* m = mask.ptr<std::uint8_t>(y);
        for (int x = 0; x < labels.width; ++x)
            if (m[x])
                labels.at(x, y) = id;
    }
}

} // namespace

LabelMap cocoReadLabels(const Json& coco, const std::string& source, const std::string& fileName, const ClassTable& table,
                        int width, int height)
{
    try {
        const Json* image = nullptr;
        const auto& images = coco.at("images");
        for (const auto& im : images)
            if (im.at("file_name").get<std::string>() == fileName) {
                image = &im;
                break;
            }
        if (!image) {
            const std::string base = std::filesystem::path(fileName).filename().string();
            for (const auto& im : images)
                if (std::filesystem::path(im.at("file_name").get<std::string>()).filename().string() == base) {
                    image = &im;
                    break;
                }
        }
        if (!image)
            throw fileError(source, "has no image named \"" + fileName + "\"");
        const int w = image->at("width").get<int>(), h = image->at("height").get<int>();
        if (w <= 0 || h <= 0)
            throw fileError(source, "image \"" + fileName + "\" has an invalid size");
        if (width > 0 && height > 0 && (w != width || h != height))
            throw fileError(source, "labels of \"" + fileName + "\" are " + std::to_string(w) + "x" + std::to_string(h) +
                                        " but the image is " + std::to_string(width) + "x" + std::to_string(height));
        const auto imageId = image->at("id");
        LabelMap labels(w, h);
        for (const auto& a : coco.at("annotations")) {
            if (a.at("image_id") != imageId)
                continue;
            const int cat = a.at("category_id").get<int>();
            if (cat < 0 || cat >= LabelMap::kVoid || !table.contains(std::uint16_t(cat)))
                throw fileError(source, "category id " + std::to_string(cat) + " (image \"" + fileName +
                                            "\") is not in the label map");
            const auto id = std::uint16_t(cat);
            const auto& seg = a.at("segmentation");
            if (seg.is_array()) {
                paintPolygons(seg, id, labels);
                continue;
            }
            CocoRle rle;
            const auto size = seg.at("size").get<std::vector<int>>();
            if (size.size() != 2 || size[0] != h || size[1] != w)
                throw fileError(source, "a mask of \"" + fileName + "\" has another size than the image");
            rle.height = h;
            rle.width = w;
            const auto& counts = seg.at("counts");
            if (counts.is_string())
                rle.counts = rleFromString(counts.get<std::string>());
            else
                rle.counts = counts.get<std::vector<std::uint32_t>>();
            const auto mask = rleDecode(rle);
            for (std::size_t i = 0; i < mask.size(); ++i)
                if (mask[i])
                    labels.ids[i] = id;
        }
        return labels;
    } catch (const Json::exception& e) {
        throw fileError(source, std::string("malformed COCO JSON: ") + e.what());
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind(source, 0) == 0)
            throw;
        throw fileError(source, what);
    }
}

ClassTable cocoClassTable(const Json& coco, const std::string& source)
{
    try {
        Json lm = {{"format", ClassTable::kFormat}, {"version", ClassTable::kVersion}, {"classes", Json::array()}};
        for (const auto& c : coco.at("categories")) {
            Json e = {{"id", c.at("id")}, {"name", c.at("name")}};
            if (c.contains("synonyms"))
                e["synonyms"] = c["synonyms"];
            if (c.contains("color"))
                e["color"] = c["color"];
            lm["classes"].push_back(e);
        }
        return ClassTable::fromJson(lm, source);
    } catch (const Json::exception& e) {
        throw fileError(source, std::string("malformed COCO categories: ") + e.what());
    }
}

} // namespace zm
