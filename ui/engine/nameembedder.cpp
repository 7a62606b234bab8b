// NameEmbedder implementation.
#include "ui/engine/nameembedder.h"

#include "ui/model/classlistmodel.h"
#include "ui/util/runasync.h"

#include "core/embed/embedder.h"
#include "core/embed/senses.h"

#include <QStringList>

namespace zm::ui {

NameEmbedder::NameEmbedder(ClassListModel* classes, QObject* parent) : QObject(parent), mClasses(classes) {}

void NameEmbedder::setBackend(std::shared_ptr<const Backend> backend)
{
    mBackend = std::move(backend);
    updateMismatch();
    // Word senses are chosen against the model's classes: another model can read a name differently.
    if (rebuildNames())
        reembedAll();
}

void NameEmbedder::setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder)
{
    mEmbedder = std::move(embedder);
    rebuildNames();
    updateMismatch();
    reembedAll();
}

void NameEmbedder::setWordSenses(bool on)
{
    if (on == mWordSenses)
        return;
    mWordSenses = on;
    if (rebuildNames())
        reembedAll();
}

bool NameEmbedder::wordSensesActive() const
{
    return dynamic_cast<const zm::SenseAwareEmbedder*>(mNames.get()) != nullptr;
}

bool NameEmbedder::rebuildNames()
{
    const bool before = wordSensesActive();
    mNames = mEmbedder;
    if (mEmbedder && mBackend && mWordSenses) {
        try {
            mNames = zm::nameEmbedderFor(mEmbedder, mBackend->trainedClassVectors(), zm::SenseMode::Auto);
        } catch (const std::exception& e) {
            // A model of another space (shown as a mismatch) or an unreadable WordNet: plain word vectors.
            mNames = mEmbedder;
            bool sameSpace = true;
            try {
                zm::requireSameSpace(mBackend->vectorSpace(), mEmbedder->spaceId(), "The model");
            } catch (const std::exception&) {
                sameSpace = false; // already explained by mismatch()
            }
            if (sameSpace)
                Q_EMIT failed(tr("Word senses are off: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    return before || wordSensesActive();
}

void NameEmbedder::updateMismatch()
{
    mMismatch.clear();
    if (!mBackend || !mEmbedder)
        return;
    try {
        zm::requireSameSpace(mBackend->vectorSpace(), mEmbedder->spaceId(), "The model");
    } catch (const std::exception& e) {
        mMismatch = QString::fromUtf8(e.what());
    }
}

std::vector<float> NameEmbedder::embed(const QString& name, QString* problem) const
{
    if (!mEmbedder) {
        if (problem)
            *problem = tr("No word vectors loaded: choose a vectors file in Model > Choose model and vectors.");
        return {};
    }
    try {
        return mNames->embed(name.toStdString());
    } catch (const std::exception& e) {
        if (problem)
            *problem = QString::fromUtf8(e.what());
        return {};
    }
}

AddOutcome NameEmbedder::addClass(const QString& typed)
{
    AddOutcome out;
    const ClassListModel::NameCheck check = mClasses->checkName(typed);
    out.message = check.message;
    switch (check.kind) {
    case ClassListModel::NameCheck::Kind::Invalid:
        out.kind = AddOutcome::Kind::Refused;
        return out;
    case ClassListModel::NameCheck::Kind::Existing:
        out.kind = AddOutcome::Kind::Selected;
        out.id = check.id;
        return out;
    case ClassListModel::NameCheck::Kind::Extends: {
        QString error;
        if (!renameClass(check.id, check.merged, &error)) {
            out.kind = AddOutcome::Kind::Refused;
            out.message = error;
            return out;
        }
        out.kind = AddOutcome::Kind::Merged;
        out.id = check.id;
        return out;
    }
    case ClassListModel::NameCheck::Kind::New:
        break;
    }
    // "sandal; Sandal" is one term: stored once, so the project's label map can hold it.
    QString name = typed.trimmed();
    const QStringList terms = ClassListModel::termsOf(name);
    if (qsizetype(zm::splitSynonyms(name.toStdString()).size()) != terms.size())
        name = terms.join(QStringLiteral("; "));
    QString problem;
    std::vector<float> v = embed(name, &problem);
    out.id = mClasses->addClass(name, std::move(v), problem);
    out.kind = AddOutcome::Kind::Added;
    requestNeighbors(std::uint16_t(out.id));
    return out;
}

bool NameEmbedder::renameClass(std::uint16_t id, const QString& name, QString* error)
{
    const ClassListModel::NameCheck check = mClasses->checkName(name, int(id));
    if (check.kind != ClassListModel::NameCheck::Kind::New) {
        if (error)
            *error = check.message;
        return false;
    }
    QString problem;
    std::vector<float> v = embed(name.trimmed(), &problem);
    if (!mClasses->rename(id, name.trimmed(), std::move(v), problem)) {
        if (error)
            *error = tr("No class %1").arg(id);
        return false;
    }
    requestNeighbors(id);
    return true;
}

void NameEmbedder::reembedAll()
{
    for (const ClassEntry& e : std::vector<ClassEntry>(mClasses->entries())) {
        QString problem;
        std::vector<float> v = embed(e.name, &problem);
        mClasses->setVector(e.id, std::move(v), problem);
        requestNeighbors(e.id);
    }
}

void NameEmbedder::requestNeighbors(std::uint16_t id)
{
    const ClassEntry* e = mClasses->find(id);
    if (!mEmbedder || !e || e->vector.empty())
        return;
    // A vocabulary scan is too slow for the GUI thread on large vocabularies.
    struct Hint {
        QStringList words;
        QString sense;
    };
    runAsync(
        this, nullptr,
        [embedder = mEmbedder, names = mNames, v = e->vector, name = e->name.toStdString()] {
            Hint hint;
            try {
                for (const zm::Neighbor& n : embedder->neighbors(v, 8))
                    hint.words
                        << QStringLiteral("%1 %2").arg(QString::fromStdString(n.word)).arg(double(n.cosine), 0, 'f', 2);
                if (const auto* senses = dynamic_cast<const zm::SenseAwareEmbedder*>(names.get()))
                    for (const zm::SenseReading& r : senses->read(name))
                        if (r.changed)
                            hint.sense +=
                                (hint.sense.isEmpty() ? QString() : QStringLiteral("; ")) +
                                QStringLiteral("%1 = %2 (%3; WordNet)")
                                    .arg(QString::fromStdString(r.term), QString::fromStdString(r.chosenLemmas),
                                         QString::fromStdString(r.chosenDefinition));
            } catch (const std::exception&) {
                // Neighbours are a hint; a failure leaves the list empty.
            }
            return hint;
        },
        [this, id, vector = e->vector, names = mNames](Hint hint) {
            // A hint describes one vector read one way: after a rename, a re-embedding or a switch of word
            // senses a newer request is on its way, and this older answer must not overwrite it.
            const ClassEntry* now = mClasses->find(id);
            if (!now || now->vector != vector || names != mNames)
                return;
            mClasses->setNeighbors(id, hint.words, hint.sense);
        });
}

} // namespace zm::ui
