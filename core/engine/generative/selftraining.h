// Self-training (ZS5Net / CaGNet-ST / STRICT style): pseudo-labels for unseen classes on unlabelled
// pixels. Usable by any method, the projection family included (internal: Torch types).
#pragma once
#include <ATen/ATen.h>

namespace zm::generative {

/// probabilities [N,C] (softmax over all classes), unseen [C] bool. A pixel gets the label of its
/// arg-max class u when u is unseen, its probability is >= minConfidence, and it is among the top
/// `topPercent` % most confident pixels predicted as u (at least one when any qualifies). Every other
/// pixel gets -1. Returns int64 [N].
at::Tensor pseudoLabels(const at::Tensor& probabilities, const at::Tensor& unseen, double topPercent, double minConfidence);

} // namespace zm::generative
