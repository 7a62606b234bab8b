// LabelDelta implementation: tile bookkeeping, packing and zlib compression.
#include "ui/edit/labeldelta.h"

#include "ui/document/imagedocument.h"

#include "core/common/error.h"

#include <algorithm>

namespace zm::ui {

namespace {

// Fast compression: strokes are built while the person paints, and label tiles compress well anyway.
constexpr int kLevel = 1;

QByteArray pack(const std::vector<std::uint16_t>& ids, const std::vector<std::uint8_t>& conf)
{
    QByteArray raw(qsizetype(ids.size() * 3), Qt::Uninitialized);
    auto* p = reinterpret_cast<std::uint8_t*>(raw.data());
    // Low bytes, then high bytes, then confirmed bits: planes compress better than interleaved values.
    const std::size_t n = ids.size();
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = std::uint8_t(ids[i] & 0xff);
        p[n + i] = std::uint8_t(ids[i] >> 8);
        p[2 * n + i] = conf[i];
    }
    return qCompress(raw, kLevel);
}

void unpack(const QByteArray& packed, std::size_t n, std::vector<std::uint16_t>& ids, std::vector<std::uint8_t>& conf)
{
    const QByteArray raw = qUncompress(packed);
    if (std::size_t(raw.size()) != n * 3)
        throw zm::Error("undo data is damaged (wrong size after decompression)");
    const auto* p = reinterpret_cast<const std::uint8_t*>(raw.constData());
    ids.resize(n);
    conf.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        ids[i] = std::uint16_t(p[i] | (p[n + i] << 8));
        conf[i] = p[2 * n + i];
    }
}

// Reads the document's state in `r` (inside the image).
void readState(const ImageDocument& doc, const QRect& r, std::vector<std::uint16_t>& ids, std::vector<std::uint8_t>& conf)
{
    const std::size_t n = std::size_t(r.width()) * r.height();
    ids.resize(n);
    conf.resize(n);
    const int w = doc.width();
    std::size_t k = 0;
    for (int y = r.top(); y <= r.bottom(); ++y) {
        const std::size_t row = std::size_t(y) * w;
        for (int x = r.left(); x <= r.right(); ++x, ++k) {
            ids[k] = doc.labels().ids[row + x];
            conf[k] = doc.confirmed()[row + x];
        }
    }
}

// Walks every tile that `rect` touches; `fn(tileRect, key)`.
template <typename Fn> void forEachTile(const QRect& rect, const QRect& image, Fn fn)
{
    const QRect r = rect & image;
    if (r.isEmpty())
        return;
    const int t = LabelDelta::kTile;
    for (int ty = r.top() / t; ty <= r.bottom() / t; ++ty)
        for (int tx = r.left() / t; tx <= r.right() / t; ++tx)
            fn(QRect(tx * t, ty * t, t, t) & image, std::make_pair(ty, tx));
}

} // namespace

LabelDelta LabelDelta::fromMask(const ImageDocument& doc, const QRect& rect, const std::vector<std::uint8_t>& mask,
                                std::uint16_t id, bool confirmed)
{
    if (mask.size() != std::size_t(std::max(0, rect.width())) * std::max(0, rect.height()))
        throw zm::Error("LabelDelta::fromMask: mask does not match its rectangle");
    LabelDelta d;
    const bool havePrediction = !doc.predicted().empty();
    const int w = rect.width();
    d.buildTiles(doc, rect, [&](int x, int y, std::uint16_t& outId, std::uint8_t& outConf) {
        if (!mask[std::size_t(y - rect.top()) * w + (x - rect.left())])
            return false;
        outConf = confirmed ? 1 : 0;
        outId = confirmed ? id : (havePrediction ? doc.predicted().at(x, y) : zm::LabelMap::kVoid);
        return true;
    }, [&](const QRect& inner) {
        // A large sparse mask (a flood fill across the image) touches few of the tiles of its rect.
        for (int y = inner.top(); y <= inner.bottom(); ++y) {
            const std::uint8_t* row = mask.data() + std::size_t(y - rect.top()) * w + (inner.left() - rect.left());
            for (int x = 0; x < inner.width(); ++x)
                if (row[x])
                    return true;
        }
        return false;
    });
    return d;
}

LabelDelta LabelDelta::fromState(const ImageDocument& doc, const QRect& rect, const std::vector<std::uint16_t>& ids,
                                 const std::vector<std::uint8_t>& confirmed)
{
    const std::size_t n = std::size_t(std::max(0, rect.width())) * std::max(0, rect.height());
    if (ids.size() != n || confirmed.size() != n)
        throw zm::Error("LabelDelta::fromState: data does not match its rectangle");
    LabelDelta d;
    const bool havePrediction = !doc.predicted().empty();
    const int w = rect.width();
    d.buildTiles(doc, rect, [&](int x, int y, std::uint16_t& outId, std::uint8_t& outConf) {
        const std::size_t k = std::size_t(y - rect.top()) * w + (x - rect.left());
        outConf = confirmed[k] ? 1 : 0;
        outId = outConf ? ids[k] : (havePrediction ? doc.predicted().at(x, y) : zm::LabelMap::kVoid);
        return true;
    });
    return d;
}

void LabelDelta::buildTiles(const ImageDocument& doc, const QRect& rect, const NewStateFn& newState,
                            const std::function<bool(const QRect&)>& tileMayChange)
{
    std::vector<std::uint16_t> ids;
    std::vector<std::uint8_t> conf;
    forEachTile(rect, doc.bounds(), [&](const QRect& tileRect, std::pair<int, int> key) {
        const QRect inner = tileRect & rect;
        if (tileMayChange && !tileMayChange(inner))
            return;
        readState(doc, tileRect, ids, conf);
        std::vector<std::uint16_t> afterIds = ids;
        std::vector<std::uint8_t> afterConf = conf;
        std::size_t changedHere = 0;
        for (int y = inner.top(); y <= inner.bottom(); ++y)
            for (int x = inner.left(); x <= inner.right(); ++x) {
                std::uint16_t id = 0;
                std::uint8_t c = 0;
                if (!newState(x, y, id, c))
                    continue;
                const std::size_t k = std::size_t(y - tileRect.top()) * tileRect.width() + (x - tileRect.left());
                if (afterIds[k] == id && afterConf[k] == c)
                    continue;
                afterIds[k] = id;
                afterConf[k] = c;
                ++changedHere;
                mChanged |= QRect(x, y, 1, 1);
            }
        if (changedHere == 0)
            return;
        mChangedPixels += changedHere;
        mTiles.emplace(key, Tile{tileRect, pack(ids, conf), pack(afterIds, afterConf)});
    });
}

QRect LabelDelta::bounds() const
{
    QRect r;
    for (const auto& [key, tile] : mTiles)
        r |= tile.rect;
    return r;
}

std::size_t LabelDelta::bytes() const
{
    std::size_t b = 0;
    for (const auto& [key, tile] : mTiles)
        b += std::size_t(tile.before.size() + tile.after.size()) + sizeof(Tile) + 32; // + map node overhead
    return b;
}

void LabelDelta::mergeLater(const LabelDelta& later)
{
    for (const auto& [key, tile] : later.mTiles) {
        auto it = mTiles.find(key);
        if (it == mTiles.end())
            mTiles.emplace(key, tile);
        else
            it->second.after = tile.after;
    }
    mChanged |= later.mChanged;
    // Pixels changed twice count twice; the figure is informational (status bar, tests use bounds).
    mChangedPixels += later.mChangedPixels;
}

void LabelDelta::apply(ImageDocument& doc, bool before) const
{
    std::vector<std::uint16_t> ids;
    std::vector<std::uint8_t> conf;
    QRect all;
    for (const auto& [key, tile] : mTiles) {
        unpack(before ? tile.before : tile.after, std::size_t(tile.rect.width()) * tile.rect.height(), ids, conf);
        doc.applyLabels(tile.rect, ids, conf, false);
        all |= tile.rect;
    }
    if (!all.isEmpty())
        doc.notifyLabelsChanged(all);
}

} // namespace zm::ui
