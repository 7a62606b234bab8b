// Benchmark class lists (checked against the authors' split notebooks: see DATA.md).
#include "core/data/classlists.h"

namespace zm {

const std::vector<std::string>& vocClassNames()
{
    static const std::vector<std::string> n = {
        "background", "aeroplane", "bicycle", "bird",      "boat",         "bottle",    "bus",
        "car",        "cat",       "chair",   "cow",       "dining table", "dog",       "horse",
        "motorbike",  "person",    "potted plant", "sheep", "sofa",        "train",     "tv monitor"};
    return n;
}

const std::vector<std::string>& context59ClassNames()
{
    static const std::vector<std::string> n = {
        "background", "aeroplane", "bag",      "bed",      "bedclothes", "bench",   "bicycle",  "bird",
        "boat",       "book",      "bottle",   "building", "bus",        "cabinet", "car",      "cat",
        "ceiling",    "chair",     "cloth",    "computer", "cow",        "cup",     "curtain",  "dog",
        "door",       "fence",     "floor",    "flower",   "food",       "grass",   "ground",   "horse",
        "keyboard",   "light",     "motorbike", "mountain", "mouse",     "person",  "plate",    "platform",
        "potted plant", "road",    "rock",     "sheep",    "shelves",    "sidewalk", "sign",    "sky",
        "snow",       "sofa",      "table",    "track",    "train",      "tree",    "truck",    "tv monitor",
        "wall",       "water",     "window",   "wood"};
    return n;
}

const std::vector<std::string>& cocoStuff182ClassNames()
{
    static const std::vector<std::string> n = {
        // things, COCO ids 1..91
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "street sign", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep",
        "cow", "elephant", "bear", "zebra", "giraffe", "hat", "backpack", "umbrella", "shoe", "eye glasses",
        "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
        "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "plate", "wine glass", "cup", "fork",
        "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza",
        "donut", "cake", "chair", "couch", "potted plant", "bed", "mirror", "dining table", "window", "desk",
        "toilet", "door", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
        "toaster", "sink", "refrigerator", "blender", "book", "clock", "vase", "scissors", "teddy bear",
        "hair drier", "toothbrush", "hair brush",
        // stuff, COCO ids 92..182
        "banner", "blanket", "branch", "bridge", "building-other", "bush", "cabinet", "cage", "cardboard", "carpet",
        "ceiling-other", "ceiling-tile", "cloth", "clothes", "clouds", "counter", "cupboard", "curtain",
        "desk-stuff", "dirt", "door-stuff", "fence", "floor-marble", "floor-other", "floor-stone", "floor-tile",
        "floor-wood", "flower", "fog", "food-other", "fruit", "furniture-other", "grass", "gravel", "ground-other",
        "hill", "house", "leaves", "light", "mat", "metal", "mirror-stuff", "moss", "mountain", "mud", "napkin",
        "net", "paper", "pavement", "pillow", "plant-other", "plastic", "platform", "playingfield", "railing",
        "railroad", "river", "road", "rock", "roof", "rug", "salad", "sand", "sea", "shelf", "sky-other",
        "skyscraper", "snow", "solid-other", "stairs", "stone", "straw", "structural-other", "table", "tent",
        "textile-other", "towel", "tree", "vegetable", "wall-brick", "wall-concrete", "wall-other", "wall-panel",
        "wall-stone", "wall-tile", "wall-wood", "water-other", "waterdrops", "window-blind", "window-other",
        "wood"};
    return n;
}

const std::vector<int>& cocoStuff182To171()
{
    static const std::vector<int> map = [] {
        // COCO 2017 never uses these thing ids (1-based): street sign, hat, shoe, eye glasses, plate, mirror,
        // window, desk, door, blender, hair brush.
        const int unused[] = {12, 26, 29, 30, 45, 66, 68, 69, 71, 83, 91};
        std::vector<int> m(182);
        int next = 0;
        for (int id = 0; id < 182; ++id) {
            bool skip = false;
            for (int u : unused)
                skip |= (id + 1) == u;
            m[std::size_t(id)] = skip ? -1 : next++;
        }
        return m;
    }();
    return map;
}

const std::vector<std::string>& cocoStuff171ClassNames()
{
    static const std::vector<std::string> n = [] {
        std::vector<std::string> out;
        const auto& all = cocoStuff182ClassNames();
        const auto& map = cocoStuff182To171();
        for (std::size_t i = 0; i < all.size(); ++i)
            if (map[i] >= 0)
                out.push_back(all[i]);
        return out;
    }();
    return n;
}

} // namespace zm
