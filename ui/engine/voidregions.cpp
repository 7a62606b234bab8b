// Two-pass connected-component labelling with union-find (path halving), then the large regions.
#include "ui/engine/voidregions.h"

#include <algorithm>
#include <numeric>

namespace zm::ui {

namespace {

int find(std::vector<int>& parent, int a)
{
    while (parent[std::size_t(a)] != a) {
        parent[std::size_t(a)] = parent[std::size_t(parent[std::size_t(a)])];
        a = parent[std::size_t(a)];
    }
    return a;
}

} // namespace

LabelRegions largeRegions(const zm::LabelMap& labels, std::uint16_t value, int minArea, int maxRegions)
{
    LabelRegions out;
    const int w = labels.width, h = labels.height;
    if (labels.empty() || maxRegions <= 0)
        return out;
    // Pass 1: provisional labels, equivalences in `parent`.
    std::vector<int> comp(std::size_t(w) * h, -1);
    std::vector<int> parent;
    for (int y = 0; y < h; ++y) {
        const std::uint16_t* row = labels.ids.data() + std::size_t(y) * w;
        int* c = comp.data() + std::size_t(y) * w;
        const int* up = y > 0 ? c - w : nullptr;
        for (int x = 0; x < w; ++x) {
            if (row[x] != value)
                continue;
            const int l = x > 0 ? c[x - 1] : -1;
            const int u = up ? up[x] : -1;
            if (l < 0 && u < 0) {
                c[x] = int(parent.size());
                parent.push_back(c[x]);
            } else if (l >= 0 && u >= 0) {
                const int a = find(parent, l), b = find(parent, u);
                c[x] = std::min(a, b);
                parent[std::size_t(std::max(a, b))] = std::min(a, b);
            } else {
                c[x] = l >= 0 ? l : u;
            }
        }
    }
    if (parent.empty())
        return out;
    // Pass 2: statistics per root.
    std::vector<LabelRegion> stats(parent.size());
    std::vector<double> sx(parent.size(), 0.0), sy(parent.size(), 0.0);
    std::vector<int> firstSeen(parent.size(), -1);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int& c = comp[std::size_t(y) * w + x];
            if (c < 0)
                continue;
            c = find(parent, c);
            LabelRegion& r = stats[std::size_t(c)];
            if (r.area == 0) {
                r.left = r.right = x;
                r.top = r.bottom = y;
                firstSeen[std::size_t(c)] = y * w + x;
            }
            ++r.area;
            r.left = std::min(r.left, x);
            r.right = std::max(r.right, x);
            r.bottom = y;
            sx[std::size_t(c)] += x;
            sy[std::size_t(c)] += y;
        }
    std::vector<int> roots;
    for (std::size_t i = 0; i < stats.size(); ++i)
        if (stats[i].area > 0 && stats[i].area >= std::max(1, minArea))
            roots.push_back(int(i));
    std::sort(roots.begin(), roots.end(), [&](int a, int b) {
        const auto& ra = stats[std::size_t(a)];
        const auto& rb = stats[std::size_t(b)];
        return ra.area != rb.area ? ra.area > rb.area : firstSeen[std::size_t(a)] < firstSeen[std::size_t(b)];
    });
    if (int(roots.size()) > maxRegions)
        roots.resize(std::size_t(maxRegions));
    std::vector<std::uint16_t> index(parent.size(), zm::LabelMap::kVoid);
    for (std::size_t k = 0; k < roots.size(); ++k) {
        LabelRegion r = stats[std::size_t(roots[k])];
        r.cx = sx[std::size_t(roots[k])] / r.area;
        r.cy = sy[std::size_t(roots[k])] / r.area;
        out.regions.push_back(r);
        index[std::size_t(roots[k])] = std::uint16_t(k);
    }
    out.map = zm::LabelMap(w, h);
    for (std::size_t i = 0; i < comp.size(); ++i)
        out.map.ids[i] = comp[i] < 0 ? zm::LabelMap::kVoid : index[std::size_t(comp[i])];
    return out;
}

} // namespace zm::ui
