// Losses of the projection family (internal; ATen inside).
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace zm {

/// Cross-entropy of logits [B,C,h,w] against labels [B,h,w] (int64, -1 = ignore), mean over counted pixels.
at::Tensor seenCrossEntropy(const at::Tensor& logits, const at::Tensor& labels);

/// Liu et al.'s transductive unbiased loss: mean over pixels of -log(sum over unseen classes of p_c),
/// p = softmax over all classes of logits [B,C,h,w]; `unseen` lists the unseen class indices.
at::Tensor transductiveLoss(const at::Tensor& logits, const std::vector<int64_t>& unseen);

} // namespace zm
