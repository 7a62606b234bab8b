// Model dialog implementation. Reads only the card and the vectors' identity (cheap), never the weights.
#include "ui/app/modeldialog.h"

#include "core/common/vectorspace.h"
#include "core/embed/embedder.h"
#include "core/engine/modelcard.h"
#include "core/common/paths.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <filesystem>

namespace zm::ui {

ModelDialog::ModelDialog(const QString& model, const QString& vectors, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Model and vectors"));
    setObjectName(QStringLiteral("ModelDialog"));
    mModel = new QLineEdit(model, this);
    mModel->setObjectName(QStringLiteral("ModelPath"));
    mVectors = new QLineEdit(vectors, this);
    mVectors->setObjectName(QStringLiteral("VectorsPath"));
    auto* browseModel = new QPushButton(tr("Browse..."), this);
    auto* browseVectors = new QPushButton(tr("Browse..."), this);
    mInfo = new QLabel(this);
    mInfo->setObjectName(QStringLiteral("ModelInfo"));
    mInfo->setWordWrap(true);
    mInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mInfo->setMinimumWidth(480);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(mModel, 1);
    modelRow->addWidget(browseModel);
    auto* vectorsRow = new QHBoxLayout;
    vectorsRow->addWidget(mVectors, 1);
    vectorsRow->addWidget(browseVectors);
    auto* form = new QFormLayout;
    form->addRow(tr("Model (folder with card.json)"), modelRow);
    form->addRow(tr("Word vectors (fastText .bin)"), vectorsRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(mInfo, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseModel, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model folder"), mModel->text());
        if (!dir.isEmpty())
            mModel->setText(dir);
    });
    connect(browseVectors, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Word vectors"), QFileInfo(mVectors->text()).path(),
                                                       tr("Class vectors (*.bin *.ftz *.csv);;fastText models (*.bin *.ftz);;Attribute tables (*.csv);;All files (*)"));
        if (!f.isEmpty())
            mVectors->setText(f);
    });
    connect(mModel, &QLineEdit::editingFinished, this, &ModelDialog::refresh);
    connect(mVectors, &QLineEdit::editingFinished, this, &ModelDialog::refresh);
    connect(mModel, &QLineEdit::textChanged, this, &ModelDialog::refresh);
    connect(mVectors, &QLineEdit::textChanged, this, &ModelDialog::refresh);
    refresh();
}

QString ModelDialog::modelPath() const { return mModel->text().trimmed(); }
QString ModelDialog::vectorsPath() const { return mVectors->text().trimmed(); }

void ModelDialog::refresh() { mInfo->setText(describe(modelPath(), vectorsPath())); }

QString ModelDialog::describe(const QString& model, const QString& vectors)
{
    QStringList lines;
    zm::ModelCard card;
    bool haveCard = false;
    if (model.isEmpty()) {
        lines << tr("No model chosen. The shipped default lives in models/default (see README: set-up).");
    } else {
        std::filesystem::path p = model.toStdString();
        if (std::filesystem::is_directory(p))
            p /= "card.json";
        try {
            card = zm::ModelCard::load(p);
            haveCard = true;
            lines << tr("Model: %1 (%2), trained in %3").arg(QString::fromStdString(card.name),
                                                               QString::fromStdString(card.method),
                                                               QString::fromStdString(card.vectorSpace.str()));
            lines << tr("Seen classes: %1").arg(QString::number(card.seenClasses.size()));
            if (!card.unseenClasses.empty())
                lines << tr("Unseen classes held out: %1").arg(QString::number(card.unseenClasses.size()));
            lines << tr("Calibration gamma: %1").arg(double(card.gamma), 0, 'f', 3);
        } catch (const std::exception& e) {
            lines << tr("Model: %1").arg(QString::fromUtf8(e.what()));
        }
    }
    if (vectors.isEmpty()) {
        lines << tr("No vectors chosen: run the set-up script (scripts/setup.sh) to build the default vectors.");
    } else if (!QFileInfo::exists(vectors)) {
        lines << tr("Vectors: %1 does not exist.").arg(vectors);
    } else if (haveCard) {
        // The manifest (or a sampled checksum) identifies the space without loading the vectors.
        try {
            const zm::VectorSpaceId space = zm::vectorSpaceOfFile(vectors.toStdString(), card.vectorSpace.dim);
            if (space == card.vectorSpace)
                lines << tr("Vectors fit the model: %1").arg(QString::fromStdString(space.str()));
            else
                lines << tr("Mismatch: the model was trained in %1 but these vectors are %2. Class names would be "
                            "placed in a space the model does not know: choose the vectors the model card names.")
                             .arg(QString::fromStdString(card.vectorSpace.str()), QString::fromStdString(space.str()));
        } catch (const std::exception& e) {
            lines << tr("Vectors: %1").arg(QString::fromUtf8(e.what()));
        }
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace zm::ui
