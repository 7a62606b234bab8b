// Losses of the projection family (internal; ATen inside).
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace zm {

/// Cross-entropy of logits [B,C,h,w] against labels [B,h,w] (int64, -1 = ignore), mean over counted pixels.
at::Tensor seenCrossEntropy(const at::Tensor& logits, const at::Tensor& labels);

/// Liu et al.'s transductive unbiased loss: mean over pixels of -log(sum over unseen classes of p_c),
/// p = softmax over all classes of logits [B,C,h,w]; `unseen` lists the unseen class indices.
/// With `maxSeenBelow` < 1 only pixels whose largest seen-class probability is below it count (the
/// others add 0; the mean is still over all pixels, so 1 gives exactly the paper's loss). The selection
/// is made without gradient. `selectedFraction`, if given, receives the share of pixels selected.
at::Tensor transductiveLoss(const at::Tensor& logits, const std::vector<int64_t>& unseen, double maxSeenBelow = 1.0,
                            double* selectedFraction = nullptr);

} // namespace zm
