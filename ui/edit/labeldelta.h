// LabelDelta: the before/after state (label ids + confirmed bits) of the pixels one edit changed,
// stored as zlib-compressed 64x64 tiles so that an undo step costs memory in proportion to what it
// touched, not to the image. Tiles that no pixel of the edit changed are not stored at all.
#pragma once
#include <QByteArray>
#include <QRect>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace zm::ui {

class ImageDocument;

class LabelDelta {
public:
    static constexpr int kTile = 64;

    /// Pixels of `rect` where `mask` is non-zero get id `id` and confirmed bit `confirmed`.
    /// `mask` is rect.width() x rect.height(), row-major; `rect` is clipped to the image.
    static LabelDelta fromMask(const ImageDocument& doc, const QRect& rect, const std::vector<std::uint8_t>& mask,
                               std::uint16_t id, bool confirmed);
    /// Per-pixel new state for every pixel of `rect` (import, class merge). Pixels whose state does not
    /// change are not stored.
    static LabelDelta fromState(const ImageDocument& doc, const QRect& rect, const std::vector<std::uint16_t>& ids,
                                const std::vector<std::uint8_t>& confirmed);

    bool isEmpty() const { return mTiles.empty(); }
    /// Bounding rectangle of the stored tiles (image pixels).
    QRect bounds() const;
    /// Bounding rectangle of the pixels that actually changed.
    const QRect& changedBounds() const { return mChanged; }
    std::size_t changedPixels() const { return mChangedPixels; }
    std::size_t tileCount() const { return mTiles.size(); }
    /// Compressed bytes held (the figure the undo memory cap counts).
    std::size_t bytes() const;

    void applyAfter(ImageDocument& doc) const { apply(doc, false); }
    void applyBefore(ImageDocument& doc) const { apply(doc, true); }

    /// Merges a later delta into this one: tiles in both keep this one's "before" and take the later
    /// "after"; no decompression needed because both use the same tile grid.
    void mergeLater(const LabelDelta& later);

private:
    struct Tile {
        QRect rect;
        QByteArray before; ///< qCompress(ids as little-endian u16, then confirmed bytes)
        QByteArray after;
    };
    void apply(ImageDocument& doc, bool before) const;
    /// `newState(x, y, id&, confirmed&)` returns false where the edit leaves the pixel alone.
    using NewStateFn = std::function<bool(int, int, std::uint16_t&, std::uint8_t&)>;
    /// `tileMayChange(tileRect ∩ rect)`, when given, skips tiles cheaply (e.g. no mask bit inside).
    void buildTiles(const ImageDocument& doc, const QRect& rect, const NewStateFn& newState,
                    const std::function<bool(const QRect&)>& tileMayChange = {});

    std::map<std::pair<int, int>, Tile> mTiles; ///< key: (tile row, tile column)
    QRect mChanged;
    std::size_t mChangedPixels = 0;
};

} // namespace zm::ui
