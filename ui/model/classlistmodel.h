// ClassListModel: the classes a person typed, shared by the classes panel (list, editing), the
// canvas (colours, visibility) and the segmentation controller (vectors, biases). Every class has
// a stable id (the value stored in label maps), independent of its row.
#pragma once
#include "core/engine/classset.h"
#include "core/io/classtable.h"

#include <QAbstractListModel>
#include <QColor>
#include <QJsonArray>
#include <QStringList>

#include <functional>

#include <cstdint>
#include <vector>

namespace zm::ui {

struct ClassEntry {
    std::uint16_t id = 0;
    QString name; ///< as typed, synonyms included ("car; automobile")
    QColor color;
    bool visible = true;       ///< hidden classes are drawn transparent (they still take pixels)
    bool enabled = true;       ///< disabled classes take no pixels
    float bias = 0.0f;         ///< added to the class's calibrated score
    std::vector<float> vector; ///< empty until embedded (no vectors loaded, or the name failed)
    QString problem;           ///< why there is no vector, shown to the person
    QStringList neighbors;     ///< nearest vocabulary words ("word 0.83")
    QString sense;             ///< how a word with several senses was read ("flip-flop: a backless sandal ...")
};

class ClassListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        ColorRole,
        VisibleRole,
        BiasRole,
        NeighborsRole,
        ProblemRole,
        WarningRole, ///< "nearly identical to X" when two vectors almost coincide
        HasVectorRole,
    };

    explicit ClassListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// What typing `name` as a new class means for this list (see checkName()).
    struct NameCheck {
        enum class Kind {
            New,      ///< no term of the name is a class yet: add it
            Existing, ///< every term already belongs to class `id`: select it, add nothing
            Extends,  ///< some terms belong to class `id`, the others are new: `merged` adds them as synonyms
            Invalid,  ///< empty, or terms of two different classes: `message` says why
        };
        Kind kind = Kind::Invalid;
        std::uint16_t id = 0;
        QString merged;  ///< for Extends: the class's name with the new terms appended
        QString message; ///< for Invalid (and a note for Existing/Extends), shown to the person
    };

    /// The terms of a name: "car; Automobile, car" -> {"car", "Automobile"}: split at ";", "," and "|" (as the
    /// embedder reads it, zm::splitSynonyms), trimmed, empty and repeated terms dropped. Terms are compared
    /// ignoring case, repeated spaces and the joiners "_" and "-" ("Traffic_light" is "traffic light").
    static QStringList termsOf(const QString& name);
    /// The class one of whose terms equals `term` (case-insensitive, trimmed), or -1. `exceptId` is skipped.
    int idOfTerm(const QString& term, int exceptId = -1) const;
    /// Checks a typed name against the list: a term may belong to one class only (the project's label map
    /// refuses two classes sharing a name or synonym). `renaming` >= 0: the name is for that class, whose own
    /// terms do not count (then only New or Invalid is answered).
    NameCheck checkName(const QString& name, int renaming = -1) const;

    /// Adds a class with the next free id; returns the id. A name whose terms are already classes is not
    /// added twice: the existing class's id is returned (callers check with checkName() first to merge
    /// synonyms or say why).
    std::uint16_t addClass(const QString& name, std::vector<float> vector, const QString& problem = {});
    void removeClass(std::uint16_t id);
    void clear();
    /// Renames; the caller supplies the new vector (re-embedding is the controller's job). Returns false,
    /// changing nothing, when a term of `name` belongs to another class or the name is empty.
    bool rename(std::uint16_t id, const QString& name, std::vector<float> vector, const QString& problem = {});
    void setVector(std::uint16_t id, std::vector<float> vector, const QString& problem = {});
    void setColor(std::uint16_t id, const QColor& color);
    void setVisible(std::uint16_t id, bool visible);
    void setBias(std::uint16_t id, float bias);
    void setNeighbors(std::uint16_t id, const QStringList& words, const QString& sense = {});

    int rowOf(std::uint16_t id) const; ///< -1 when absent
    const ClassEntry* find(std::uint16_t id) const;
    const ClassEntry& at(int row) const { return mEntries[std::size_t(row)]; }
    const std::vector<ClassEntry>& entries() const { return mEntries; }

    /// The classes that can be scored (enabled, with a vector of the first vector's dimension), and
    /// for each of them its stable id: ScoreResult labels index into `ids`.
    zm::ClassSet classSet(std::vector<std::uint16_t>* ids) const;

    /// Pairs whose vectors have cosine >= this are flagged (WarningRole).
    static constexpr float kNearlyIdentical = 0.95f;

    /// Stored with the project and in the settings: names, ids, colours, visibility, biases (not
    /// the vectors: they are re-embedded with whatever vectors are loaded).
    QJsonArray toJson() const;
    /// Replaces the list. `embed` gives the vector (or a problem) for each name. A term that an earlier entry
    /// already has is dropped from a later one (and an entry left without terms is dropped): lists saved by
    /// older versions, which let a name be typed twice, load as a valid label map.
    void fromJson(const QJsonArray& array,
                  const std::function<std::vector<float>(const QString&, QString* problem)>& embed);

    /// The project's label map (core/io ClassTable): ids, names + synonyms, colours. Id 255 is never
    /// used (the table's ignore index for palette PNGs).
    zm::ClassTable toClassTable(const zm::VectorSpaceId& space = {}) const;
    /// Replaces the list with a project's classes (keeping their ids and colours).
    void fromClassTable(const zm::ClassTable& table,
                        const std::function<std::vector<float>(const QString&, QString* problem)>& embed);

Q_SIGNALS:
    /// What scoring depends on changed (vectors, biases, enabled, the set of classes): rescore.
    void scoringChanged();
    /// Only appearance changed (colours, visibility): redraw, no rescore.
    void appearanceChanged();

private:
    void load(const QJsonArray& array, const std::function<std::vector<float>(const QString&, QString* problem)>& embed,
              bool dropRepeats);
    void emitRow(std::uint16_t id, const QList<int>& roles);
    void updateWarnings();

    std::vector<ClassEntry> mEntries;
    std::vector<QString> mWarnings; ///< per row
    std::uint16_t mNextId = 0;
};

} // namespace zm::ui
