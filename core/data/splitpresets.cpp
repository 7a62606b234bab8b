// Split presets. Sources: SPNet's split notebook (VOC 15/5 with seen-val horse, motorbike, person on the
// last 500 training images; COCO-Stuff 15 unseen with 12 seen-val on the last 2,000), ZS3Net's code
// (nested VOC and Context unseen sets, background seen).
#include "core/data/splitpresets.h"

#include "core/common/error.h"
#include "core/common/strings.h"
#include "core/data/classlists.h"
#include "core/data/fashionmnist.h"
#include "core/data/stampclasses.h"

#include <algorithm>
#include <set>

namespace zm {
namespace {

const std::vector<std::string> kVocZs3Order = {"cow",   "motorbike", "aeroplane", "sofa",  "cat",
                                               "tv monitor", "train", "bottle", "chair", "potted plant"};
const std::vector<std::string> kContextZs3Order = {"cow",  "motorbike", "sofa",  "cat",      "boat",
                                                   "fence", "bird",     "tv monitor", "keyboard", "aeroplane"};
// ZS3Net has no calibration; SPNet-C on these splits needs seen-val classes, so ZeroMask picks three objects
// that are seen in every nested split of both data sets.
const std::vector<std::string> kZs3SeenVal = {"bus", "dog", "horse"};

const std::vector<std::string> kCocoUnseen = {"cow",       "giraffe", "suitcase", "frisbee",      "skateboard",
                                              "carrot",    "scissors", "cardboard", "clouds",      "grass",
                                              "playingfield", "river", "road",      "tree",        "wall-concrete"};
const std::vector<std::string> kCocoSeenVal = {"motorcycle", "elephant", "baseball bat", "wine glass",
                                               "banana",     "chair",    "keyboard",     "refrigerator",
                                               "branch",     "light",    "napkin",       "pavement"};

std::vector<std::string> fashionClasses()
{
    std::vector<std::string> n = {"background"};
    for (const auto& c : fashionMnistClassNames())
        n.push_back(c);
    return n;
}

std::vector<std::string> firstN(const std::vector<std::string>& v, int n) { return {v.begin(), v.begin() + n}; }

} // namespace

std::vector<std::string> splitPresetNames()
{
    std::vector<std::string> n = {"voc-spnet-15-5"};
    for (int k : {2, 4, 6, 8, 10})
        n.push_back("voc-zs3-" + std::to_string(k));
    for (int k : {2, 4, 6, 8, 10})
        n.push_back("context-zs3-" + std::to_string(k));
    n.push_back("cocostuff-15");
    n.push_back("cocostuff171-15");
    n.push_back("fashion-unseen-2");
    n.push_back("fashion-unseen-4");
    n.push_back("fashion-oracle");
    for (const char* s : {"stamp-animals-4", "stamp-objects-4", "stamp-all-8", "stamp-oracle"})
        n.push_back(s);
    return n;
}

BackgroundMode parseBackgroundMode(const std::string& s)
{
    const std::string v = toLowerAscii(trim(s));
    if (v == "preset" || v.empty())
        return BackgroundMode::Preset;
    if (v == "seen")
        return BackgroundMode::Seen;
    if (v == "ignored" || v == "ignore")
        return BackgroundMode::Ignored;
    throw Error("background mode '" + s + "': expected 'preset', 'seen' (ZS3 convention) or 'ignored' (SPNet convention)");
}

ZeroShotSplit makeSplit(const std::string& name, const std::vector<std::string>& classNames,
                        const std::vector<std::string>& unseen, const std::vector<std::string>& seenVal,
                        bool backgroundSeen, const std::string& background)
{
    ZeroShotSplit s;
    s.name = name;
    s.unseen = unseen;
    s.seenVal = seenVal;
    s.backgroundSeen = backgroundSeen;
    s.background = background;
    for (const auto& c : classNames) {
        if (std::find(unseen.begin(), unseen.end(), c) != unseen.end())
            continue;
        if (!background.empty() && c == background && !backgroundSeen)
            continue;
        s.seen.push_back(c);
    }
    validateSplit(s, classNames);
    return s;
}

void setBackgroundSeen(ZeroShotSplit& split, bool seen)
{
    split.backgroundSeen = seen;
    if (split.background.empty())
        return;
    auto it = std::find(split.seen.begin(), split.seen.end(), split.background);
    if (seen && it == split.seen.end())
        split.seen.insert(split.seen.begin(), split.background);
    if (!seen && it != split.seen.end())
        split.seen.erase(it);
}

std::string splitPresetFormat(const std::string& name)
{
    if (startsWith(name, "voc-"))
        return "voc";
    if (startsWith(name, "context-"))
        return "context";
    if (startsWith(name, "cocostuff171-"))
        return "cocostuff171";
    if (startsWith(name, "cocostuff-"))
        return "cocostuff";
    if (startsWith(name, "fashion-"))
        return "fashionscenes";
    if (startsWith(name, "stamp-"))
        return "stampscenes";
    throw Error("split preset '" + name + "' is unknown; presets: " + join(splitPresetNames(), ", "));
}

ZeroShotSplit splitPreset(const std::string& name, BackgroundMode background)
{
    ZeroShotSplit s;
    auto zs3 = [&](const std::string& prefix, const std::vector<std::string>& order,
                   const std::vector<std::string>& classes) -> bool {
        for (int k : {2, 4, 6, 8, 10})
            if (name == prefix + std::to_string(k)) {
                s = makeSplit(name, classes, firstN(order, k), kZs3SeenVal, true);
                return true;
            }
        return false;
    };
    if (name == "voc-spnet-15-5") {
        s = makeSplit(name, vocClassNames(), {"potted plant", "sheep", "sofa", "train", "tv monitor"},
                      {"horse", "motorbike", "person"}, false);
    } else if (zs3("voc-zs3-", kVocZs3Order, vocClassNames()) ||
               zs3("context-zs3-", kContextZs3Order, context59ClassNames())) {
    } else if (name == "cocostuff-15") {
        s = makeSplit(name, cocoStuff182ClassNames(), kCocoUnseen, kCocoSeenVal, false, "");
    } else if (name == "cocostuff171-15") {
        s = makeSplit(name, cocoStuff171ClassNames(), kCocoUnseen, kCocoSeenVal, false, "");
    } else if (name == "fashion-unseen-2") {
        s = makeSplit(name, fashionClasses(), {"sandal", "pullover"}, {"shirt", "bag"}, true);
    } else if (name == "fashion-unseen-4") {
        s = makeSplit(name, fashionClasses(), {"sandal", "pullover", "ankle boot", "dress"}, {"shirt", "bag"}, true);
    } else if (name == "fashion-oracle") {
        // Fully supervised upper bound: every class labelled in training, nothing unseen, no calibration.
        s = makeSplit(name, fashionClasses(), {}, {}, true);
    } else if (name == "stamp-animals-4" || name == "stamp-objects-4" || name == "stamp-all-8") {
        // StampScenes: the unseen animals, the unseen objects, or both; every other class is seen.
        std::vector<std::string> unseen;
        if (name != "stamp-objects-4")
            unseen = stampAnimalsUnseen();
        if (name != "stamp-animals-4")
            unseen.insert(unseen.end(), stampObjectsUnseen().begin(), stampObjectsUnseen().end());
        s = makeSplit(name, stampSceneClassNames(), unseen, stampSeenVal(), true);
    } else if (name == "stamp-oracle") {
        s = makeSplit(name, stampSceneClassNames(), {}, {}, true);
    } else {
        throw Error("split preset '" + name + "' is unknown; presets: " + join(splitPresetNames(), ", "));
    }
    if (background != BackgroundMode::Preset) {
        if (s.background.empty())
            throw Error("split preset '" + name + "' has no background class (COCO-Stuff labels every pixel or ignores it)");
        setBackgroundSeen(s, background == BackgroundMode::Seen);
    }
    return s;
}

void validateSplit(const ZeroShotSplit& split, const std::vector<std::string>& classNames)
{
    const std::set<std::string> known(classNames.begin(), classNames.end());
    const std::string where = "split '" + split.name + "': ";
    auto check = [&](const std::vector<std::string>& names, const char* what) {
        std::set<std::string> dup;
        for (const auto& n : names) {
            if (!known.count(n))
                throw Error(where + what + " class '" + n + "' is not a class of this data set (classes: " +
                            join(classNames, ", ") + ")");
            if (!dup.insert(n).second)
                throw Error(where + what + " class '" + n + "' is listed twice");
        }
    };
    check(split.seen, "seen");
    check(split.unseen, "unseen");
    check(split.seenVal, "seen-val");
    if (split.seen.empty())
        throw Error(where + "no seen class");
    for (const auto& n : split.unseen)
        if (std::find(split.seen.begin(), split.seen.end(), n) != split.seen.end())
            throw Error(where + "class '" + n + "' is both seen and unseen");
    for (const auto& n : split.seenVal)
        if (std::find(split.seen.begin(), split.seen.end(), n) == split.seen.end())
            throw Error(where + "seen-val class '" + n + "' must be a seen class");
    if (!split.background.empty() && known.count(split.background)) {
        const bool inSeen = std::find(split.seen.begin(), split.seen.end(), split.background) != split.seen.end();
        if (inSeen != split.backgroundSeen)
            throw Error(where + "background '" + split.background + "' is " + (inSeen ? "" : "not ") +
                        "in the seen list but backgroundSeen says " + (split.backgroundSeen ? "seen" : "ignored"));
        if (std::find(split.unseen.begin(), split.unseen.end(), split.background) != split.unseen.end())
            throw Error(where + "the background cannot be an unseen class");
    }
}

} // namespace zm
