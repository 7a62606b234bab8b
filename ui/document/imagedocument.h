// ImageDocument: the annotation state of one open image, the single source of truth that the canvas
// draws and the editing tools change. Owns the image's undo stack (history survives switching images
// while the app runs). Class ids are stable project ids (see core/io label map), not list positions.
#pragma once
#include "core/common/image.h"
#include "core/io/annotation.h"

#include <QObject>
#include <QRect>
#include <QString>
#include <QUndoStack>

#include <cstdint>
#include <vector>

namespace zm::ui {

class UndoBudget;

class ImageDocument : public QObject {
    Q_OBJECT
public:
    explicit ImageDocument(QString path, QObject* parent = nullptr);
    ~ImageDocument() override;

    const QString& path() const { return mPath; }
    const zm::Image& image() const { return mImage; }
    void setImage(zm::Image image);

    /// The label map shown and exported: prediction where not confirmed, people's labels where confirmed.
    const zm::LabelMap& labels() const { return mLabels; }
    /// 1 where a person set the pixel (brush, fill, accept, import), else 0. Same size as labels().
    const std::vector<std::uint8_t>& confirmed() const { return mConfirmed; }
    /// Last model prediction and its per-pixel confidence (may be empty before the first prediction).
    const zm::LabelMap& predicted() const { return mPredicted; }
    const std::vector<float>& confidence() const { return mConfidence; }

    /// A new model prediction: replaces only unconfirmed pixels (people's pixels win). Not an undo step.
    void setPrediction(zm::LabelMap predicted, std::vector<float> confidence);

    /// Edits go through undo commands (ui/edit/); these apply a change without recording it (used by
    /// the commands themselves). `region` bounds the change, in image pixels.
    /// `notify` false skips the signals (a command applying many tiles notifies once, see below).
    void applyLabels(const QRect& region, const std::vector<std::uint16_t>& ids, const std::vector<std::uint8_t>& confirmed,
                     bool notify = true);
    /// Emits labelsChanged(region) and edited() once after several quiet applyLabels calls.
    void notifyLabelsChanged(const QRect& region);

    QUndoStack* undoStack() { return &mUndo; }
    bool isModified() const;

    // --- Additions (edit engineer); everything above is the original contract. ---
    int width() const { return mLabels.width; }
    int height() const { return mLabels.height; }
    bool hasLabels() const { return !mLabels.empty(); }
    QRect bounds() const { return QRect(0, 0, mLabels.width, mLabels.height); }
    std::uint8_t isConfirmed(int x, int y) const { return mConfirmed[std::size_t(y) * mLabels.width + x]; }

    /// Replaces labels and confirmed bits wholesale (loading a saved state, recovery) without recording
    /// an undo step; clears the undo history, which no longer fits. Sizes must match the image (zm::Error otherwise). Unconfirmed pixels
    /// take the prediction when one exists.
    void restoreState(const zm::LabelMap& labels, const std::vector<std::uint8_t>& confirmed);

    /// The whole state (labels, confirmed bits, prediction) as core/io stores it (a copy).
    zm::AnnotationState state() const;
    /// Loads a stored state (project annotation, recovered autosave): not an undo step; clears the undo
    /// history and marks the document saved. Throws zm::Error naming the document when the size differs
    /// from the image's (before the image is set, the state's size is taken). Emits labelsChanged()
    /// but never edited(): loading is not an edit (the main window's status and the autosaver rely on it).
    void setState(const zm::AnnotationState& state);

    /// Counts every change of labels or confirmed bits (edits, undo, redo, restore); prediction
    /// changes do not count. The autosaver compares it with the revision it last wrote.
    std::uint64_t revision() const { return mRevision; }
    /// Marks the current state as saved (undo stack clean point).
    void markSaved();
    /// Bytes this document holds: pixels, labels, confirmed bits, prediction, confidence and undo history.
    std::size_t memoryBytes() const;
    /// Frees what can be had again: the pixels (read again from the file) and the confidence (the next
    /// prediction brings it). Labels, confirmed bits, the prediction and the undo history stay, so nothing a
    /// person did is lost. image() is empty afterwards until setImage(); hasLabels() stays true.
    void releasePixels();
    /// The memory cap of this document's undo history (UndoBudget::defaultCap() unless changed).
    UndoBudget* undoBudget() const { return mBudget; }

Q_SIGNALS:
    /// A person's edit (or its undo/redo/restore) changed the state that must be saved.
    void edited();

    /// Labels changed inside `region` (image pixels); an empty rect means everything.
    void labelsChanged(const QRect& region);
    void imageChanged();

private:
    QString mPath;
    zm::Image mImage;
    zm::LabelMap mLabels;
    zm::LabelMap mPredicted;
    std::vector<float> mConfidence;
    std::vector<std::uint8_t> mConfirmed;
    QUndoStack mUndo;
    std::uint64_t mRevision = 0;
    UndoBudget* mBudget = nullptr;
};

} // namespace zm::ui
