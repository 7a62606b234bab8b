// NameEmbedder: turns the names people type into class vectors for the GUI. It holds the word vectors,
// reads names with word senses when asked (core/embed/senses.h), says when model and vectors belong to
// different spaces, keeps the class list free of duplicate names (typing an existing name selects it,
// typing new synonyms of one merges them) and fetches each class's nearest vocabulary words in a worker.
// Part of SegmentationController (ui/engine/segmentationcontroller.h), which wires it to the rest.
#pragma once
#include "ui/engine/backend.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace zm {
class ClassEmbedder;
}

namespace zm::ui {

class ClassListModel;

/// What happened to a typed class name.
struct AddOutcome {
    enum class Kind {
        Added,    ///< a new class
        Selected, ///< the name was a class already: nothing added
        Merged,   ///< new synonyms were added to an existing class
        Refused,  ///< the name cannot be a class (empty, or the terms of two classes): `message` says why
    };
    Kind kind = Kind::Refused;
    int id = -1; ///< the class added, selected or extended (-1 when refused)
    QString message;
    bool ok() const { return kind != Kind::Refused; }
};

class NameEmbedder : public QObject {
    Q_OBJECT
public:
    explicit NameEmbedder(ClassListModel* classes, QObject* parent = nullptr);

    /// The model the names are read against (word senses choose the sense nearest its classes).
    void setBackend(std::shared_ptr<const Backend> backend);
    void setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder);
    const std::shared_ptr<const zm::ClassEmbedder>& embedder() const { return mEmbedder; }
    void setWordSenses(bool on);
    bool wordSenses() const { return mWordSenses; }
    bool wordSensesActive() const;
    QString mismatch() const { return mMismatch; }

    /// The vector of a name, or empty with `problem` set.
    std::vector<float> embed(const QString& name, QString* problem) const;
    /// Adds a class, selects an existing one or merges synonyms into it (never a duplicate name).
    AddOutcome addClass(const QString& name);
    /// Renames a class; false with the reason in `error` when the name is empty or another class's.
    bool renameClass(std::uint16_t id, const QString& name, QString* error = nullptr);
    void reembedAll();

Q_SIGNALS:
    void failed(const QString& message);

private:
    bool rebuildNames();
    void updateMismatch();
    void requestNeighbors(std::uint16_t id);

    ClassListModel* mClasses;
    std::shared_ptr<const Backend> mBackend;
    std::shared_ptr<const zm::ClassEmbedder> mEmbedder;
    std::shared_ptr<const zm::ClassEmbedder> mNames; ///< mEmbedder, or it with word senses
    bool mWordSenses = true;
    QString mMismatch;
};

} // namespace zm::ui
