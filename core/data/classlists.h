// Class lists of the standard benchmarks, in label-id order, spelled as ZeroMask's readers report them.
#pragma once
#include <string>
#include <vector>

namespace zm {

/// PASCAL VOC 2012: 21 names, "background" first. Compound names are split ("potted plant", "dining
/// table", "tv monitor") so that word vectors exist; "aeroplane" keeps VOC's spelling.
const std::vector<std::string>& vocClassNames();

/// PASCAL-Context 59 (the usual 59 most frequent classes), with "background" first: 60 names.
const std::vector<std::string>& context59ClassNames();

/// COCO-Stuff with 182 ids (file value = COCO id - 1): 91 thing ids (11 unused in COCO 2017 but kept so
/// ids match SPNet/CaGNet) then 91 stuff classes.
const std::vector<std::string>& cocoStuff182ClassNames();

/// The 171-class variant (ZegFormer/ZegCLIP): the 182 list without the 11 unused thing ids.
const std::vector<std::string>& cocoStuff171ClassNames();
/// For each of the 182 ids its 171-class id, or -1 for the 11 unused ones.
const std::vector<int>& cocoStuff182To171();

} // namespace zm
