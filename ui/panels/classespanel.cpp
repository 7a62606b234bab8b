// Classes panel implementation: widgets bound to ClassListModel; scoring options go to the controller.
#include "ui/panels/classespanel.h"

#include "ui/engine/segmentationcontroller.h"
#include "ui/model/classlistmodel.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace zm::ui {

namespace {

QSlider* makeSlider(int min, int max, QWidget* parent, const QString& name)
{
    auto* s = new QSlider(Qt::Horizontal, parent);
    s->setRange(min, max);
    s->setObjectName(name);
    return s;
}

QIcon swatch(const QColor& c)
{
    QPixmap pm(32, 32);
    pm.fill(c);
    return QIcon(pm);
}

} // namespace

ClassesPanel::ClassesPanel(ClassListModel* model, SegmentationController* controller, QWidget* parent)
    : QWidget(parent), mModel(model), mController(controller)
{
    mEdit = new QLineEdit(this);
    mEdit->setObjectName(QStringLiteral("ClassNameEdit"));
    mEdit->setPlaceholderText(tr("Type a class, e.g. \"sneaker; trainer\", Enter"));
    mEdit->setClearButtonEnabled(true);
    mEdit->setToolTip(tr("A class name, with synonyms separated by ';'. Press Enter to add it: only the cheap "
                         "scoring step reruns."));

    mNotice = new QLabel(this);
    mNotice->setObjectName(QStringLiteral("ClassesNotice"));
    mNotice->setWordWrap(true);
    mNotice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mNotice->setStyleSheet(
        QStringLiteral("QLabel { background: #fff4d6; color: #5a4500; padding: 6px; border-radius: 4px; }"));
    mNotice->hide();

    mList = new QListView(this);
    mList->setObjectName(QStringLiteral("ClassList"));
    mList->setModel(mModel);
    mList->setSelectionMode(QAbstractItemView::SingleSelection);
    mList->setContextMenuPolicy(Qt::CustomContextMenu);
    mList->setUniformItemSizes(true);
    mList->setSpacing(1);

    // Details of the selected class.
    mDetails = new QGroupBox(tr("Selected class"), this);
    mDetails->setObjectName(QStringLiteral("ClassDetails"));
    mRename = new QLineEdit(mDetails);
    mRename->setObjectName(QStringLiteral("ClassRenameEdit"));
    mRename->setToolTip(tr("Rename and press Enter: the class is re-embedded and re-scored."));
    mColor = new QToolButton(mDetails);
    mColor->setObjectName(QStringLiteral("ClassColorButton"));
    mColor->setToolTip(tr("Colour of the class"));
    mDelete = new QPushButton(tr("Delete"), mDetails);
    mDelete->setObjectName(QStringLiteral("ClassDeleteButton"));
    mBias = makeSlider(-50, 50, mDetails, QStringLiteral("ClassBiasSlider"));
    mBias->setToolTip(tr("Bias added to this class's score: right takes more pixels, left fewer."));
    mBiasValue = new QLabel(mDetails);
    mNeighbors = new QLabel(mDetails);
    mNeighbors->setObjectName(QStringLiteral("ClassNeighbors"));
    mNeighbors->setWordWrap(true);
    mNeighbors->setToolTip(tr("The nearest vocabulary words to the class vector: what the name means to the model."));
    mWarning = new QLabel(mDetails);
    mWarning->setObjectName(QStringLiteral("ClassWarning"));
    mWarning->setWordWrap(true);
    mWarning->setStyleSheet(QStringLiteral("QLabel { color: #b03a00; }"));
    auto* nameRow = new QHBoxLayout;
    nameRow->addWidget(mColor);
    nameRow->addWidget(mRename, 1);
    nameRow->addWidget(mDelete);
    auto* biasRow = new QHBoxLayout;
    biasRow->addWidget(mBias, 1);
    biasRow->addWidget(mBiasValue);
    auto* details = new QFormLayout(mDetails);
    details->addRow(nameRow);
    details->addRow(tr("Bias"), biasRow);
    details->addRow(tr("Means"), mNeighbors);
    details->addRow(mWarning);

    // Global scoring options.
    auto* scoring = new QGroupBox(tr("Scoring"), this);
    mGamma = makeSlider(0, 100, scoring, QStringLiteral("GammaSlider"));
    mGamma->setToolTip(tr("Calibration (gamma): subtracted from the score of classes seen in training, so that "
                          "unseen classes can win."));
    mGammaValue = new QLabel(scoring);
    mGammaAuto = new QCheckBox(tr("model's"), scoring);
    mGammaAuto->setObjectName(QStringLiteral("GammaAuto"));
    mGammaAuto->setChecked(true);
    mGammaAuto->setToolTip(tr("Use the calibration found when the model was trained"));
    mVoid = makeSlider(0, 100, scoring, QStringLiteral("VoidSlider"));
    mVoid->setToolTip(tr("Pixels whose best score is below this stay void (unlabelled)."));
    mVoidValue = new QLabel(tr("off"), scoring);
    auto* gammaRow = new QHBoxLayout;
    gammaRow->addWidget(mGamma, 1);
    gammaRow->addWidget(mGammaValue);
    gammaRow->addWidget(mGammaAuto);
    auto* voidRow = new QHBoxLayout;
    voidRow->addWidget(mVoid, 1);
    voidRow->addWidget(mVoidValue);
    auto* scoringForm = new QFormLayout(scoring);
    scoringForm->addRow(tr("Gamma"), gammaRow);
    scoringForm->addRow(tr("Void below"), voidRow);

    mSuggest = new QPushButton(tr("Suggest names for void regions"), this);
    mSuggest->setObjectName(QStringLiteral("SuggestButton"));
    mSuggest->setToolTip(tr("Proposes vocabulary words close to what the model sees in the unlabelled pixels."));
    mSuggestions = new QTreeWidget(this);
    mSuggestions->setObjectName(QStringLiteral("SuggestList"));
    mSuggestions->setColumnCount(2);
    mSuggestions->setHeaderLabels({tr("Void region / word"), tr("Cosine")});
    mSuggestions->setRootIsDecorated(true);
    mSuggestions->setUniformRowHeights(true);
    mSuggestions->setMaximumHeight(mSuggestions->fontMetrics().height() * 12);
    mSuggestions->setToolTip(tr("Click a word to add it as a class; click a region to see it on the canvas"));
    mSuggestions->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(mEdit);
    layout->addWidget(mNotice);
    layout->addWidget(mList, 1);
    layout->addWidget(mDetails);
    layout->addWidget(scoring);
    layout->addWidget(mSuggest);
    layout->addWidget(mSuggestions);

    connect(mEdit, &QLineEdit::returnPressed, this, &ClassesPanel::addFromEdit);
    connect(mList->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        showDetails();
        Q_EMIT selectionChanged(selectedId());
    });
    connect(mModel, &QAbstractItemModel::dataChanged, this, &ClassesPanel::showDetails);
    connect(mModel, &QAbstractItemModel::rowsRemoved, this, [this] {
        showDetails();
        Q_EMIT selectionChanged(selectedId());
    });
    connect(mModel, &QAbstractItemModel::modelReset, this, &ClassesPanel::showDetails);
    connect(mRename, &QLineEdit::returnPressed, this, &ClassesPanel::renameSelected);
    connect(mColor, &QToolButton::clicked, this, &ClassesPanel::chooseColor);
    connect(mDelete, &QPushButton::clicked, this, &ClassesPanel::removeSelected);
    connect(mBias, &QSlider::valueChanged, this, [this](int v) {
        mBiasValue->setText(QString::number(v / 100.0, 'f', 2));
        if (selectedId() >= 0)
            mModel->setBias(std::uint16_t(selectedId()), float(v / 100.0));
    });
    connect(mGamma, &QSlider::valueChanged, this, [this](int v) {
        mGammaValue->setText(QString::number(v / 100.0, 'f', 2));
        if (!mGammaAuto->isChecked())
            mController->setGamma(float(v / 100.0));
    });
    connect(mGammaAuto, &QCheckBox::toggled, this, [this](bool autoGamma) {
        mGamma->setEnabled(!autoGamma);
        if (autoGamma) {
            mGamma->setValue(int(std::lround(mModelGamma * 100)));
            mController->setGamma(std::numeric_limits<float>::quiet_NaN());
        } else {
            mController->setGamma(float(mGamma->value() / 100.0));
        }
    });
    mGamma->setEnabled(false);
    connect(mVoid, &QSlider::valueChanged, this, [this](int v) {
        mVoidValue->setText(v == 0 ? tr("off") : QString::number(v / 100.0, 'f', 2));
        mController->setVoidThreshold(float(v / 100.0));
    });
    connect(mSuggest, &QPushButton::clicked, this, [this] {
        mSuggest->setEnabled(false);
        mSuggest->setText(tr("Looking..."));
        mController->suggestForVoid();
    });
    connect(
        mController, &SegmentationController::voidSuggestions, this,
        [this](const QList<VoidRegionSuggestion>& regions) {
            mSuggest->setEnabled(true);
            mSuggest->setText(tr("Suggest names for void regions"));
            mSuggestions->clear();
            for (int k = 0; k < regions.size(); ++k) {
                const VoidRegionSuggestion& r = regions[k];
                auto* top = new QTreeWidgetItem(mSuggestions);
                top->setText(
                    0,
                    tr("Region %1: %2 % of the image").arg(k + 1).arg(r.share * 100.0, 0, 'f', r.share < 0.1 ? 1 : 0));
                top->setToolTip(0, tr("%1 pixels around (%2, %3); words nearest to what the model sees there")
                                       .arg(r.area)
                                       .arg(qRound(r.centroid.x()))
                                       .arg(qRound(r.centroid.y())));
                top->setData(0, Qt::UserRole, r.bounds);
                top->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
                for (int i = 0; i < r.words.size(); ++i) {
                    auto* word = new QTreeWidgetItem(top);
                    word->setText(0, r.words[i]);
                    word->setText(1, QString::number(double(r.cosines.value(i)), 'f', 2));
                    word->setData(0, Qt::UserRole + 1, r.words[i]);
                    word->setToolTip(0, tr("Add \"%1\" as a class").arg(r.words[i]));
                }
                top->setExpanded(k < 3);
            }
            if (regions.isEmpty()) {
                auto* none = new QTreeWidgetItem(mSuggestions);
                none->setText(0, tr("(no suggestion: needs a model, vectors and large void regions)"));
                none->setFlags(Qt::ItemIsEnabled);
            }
            mSuggestions->resizeColumnToContents(1);
            mSuggestions->setVisible(true);
        });
    // Suggestions describe one image: another image (or a stale answer dropped by the controller)
    // clears them and ends "Looking...".
    connect(mController, &SegmentationController::currentChanged, this, &ClassesPanel::clearSuggestions);
    connect(mController, &SegmentationController::voidSuggestionsDropped, this, &ClassesPanel::clearSuggestions);
    connect(mSuggestions, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        const QString word = item->data(0, Qt::UserRole + 1).toString();
        if (word.isEmpty()) {
            const QRect bounds = item->data(0, Qt::UserRole).toRect();
            if (bounds.isValid())
                Q_EMIT regionActivated(bounds);
            return;
        }
        if (item->parent())
            Q_EMIT regionActivated(item->parent()->data(0, Qt::UserRole).toRect());
        const AddOutcome out = mController->typeClass(word);
        if (!out.ok()) {
            Q_EMIT message(out.message);
            return;
        }
        selectId(std::uint16_t(out.id));
        if (out.kind == AddOutcome::Kind::Added)
            Q_EMIT classAdded(std::uint16_t(out.id));
        else
            Q_EMIT message(out.message);
        // The region is named now: say so and fold it (deleting items inside their click signal is unsafe).
        if (QTreeWidgetItem* region = item->parent()) {
            region->setText(1, tr("added"));
            region->setToolTip(1, tr("\"%1\" was added as a class").arg(word));
            region->setExpanded(false);
        }
    });
    connect(mList, &QListView::customContextMenuRequested, this, [this](const QPoint& pos) {
        if (!mList->indexAt(pos).isValid())
            return;
        QMenu menu(this);
        menu.addAction(tr("Rename"), this, [this] {
            mRename->setFocus();
            mRename->selectAll();
        });
        menu.addAction(tr("Colour..."), this, &ClassesPanel::chooseColor);
        menu.addAction(tr("Delete"), this, &ClassesPanel::removeSelected);
        menu.exec(mList->viewport()->mapToGlobal(pos));
    });
    showDetails();
}

int ClassesPanel::selectedId() const
{
    const QModelIndex i = mList->currentIndex();
    return i.isValid() ? i.data(ClassListModel::IdRole).toInt() : -1;
}

void ClassesPanel::selectId(std::uint16_t id)
{
    const int row = mModel->rowOf(id);
    if (row >= 0)
        mList->setCurrentIndex(mModel->index(row));
}

void ClassesPanel::setNotice(const QString& text)
{
    mNotice->setText(text);
    mNotice->setVisible(!text.isEmpty());
}

void ClassesPanel::setModelGamma(float gamma)
{
    mModelGamma = gamma;
    if (mGammaAuto->isChecked())
        mGamma->setValue(int(std::lround(gamma * 100)));
}

void ClassesPanel::clearSuggestions()
{
    mSuggest->setEnabled(true);
    mSuggest->setText(tr("Suggest names for void regions"));
    mSuggestions->clear();
    mSuggestions->setVisible(false);
}

void ClassesPanel::addFromEdit()
{
    const QString name = mEdit->text().trimmed();
    if (name.isEmpty())
        return;
    const AddOutcome out = mController->typeClass(name);
    if (!out.ok()) {
        // What was typed stays in the field, to be corrected.
        mEdit->selectAll();
        Q_EMIT message(out.message);
        return;
    }
    mEdit->clear();
    selectId(std::uint16_t(out.id));
    if (!out.message.isEmpty())
        Q_EMIT message(out.message);
    if (out.kind == AddOutcome::Kind::Added)
        Q_EMIT classAdded(std::uint16_t(out.id));
}

void ClassesPanel::showDetails()
{
    const int id = selectedId();
    const ClassEntry* e = id >= 0 ? mModel->find(std::uint16_t(id)) : nullptr;
    mDetails->setEnabled(e != nullptr);
    if (!e) {
        mRename->clear();
        mNeighbors->clear();
        mWarning->clear();
        mColor->setIcon(QIcon());
        return;
    }
    if (!mRename->hasFocus())
        mRename->setText(e->name);
    mColor->setIcon(swatch(e->color));
    {
        const QSignalBlocker block(mBias);
        mBias->setValue(int(std::lround(e->bias * 100)));
    }
    mBiasValue->setText(QString::number(double(e->bias), 'f', 2));
    mNeighbors->setText(e->neighbors.isEmpty() ? (e->vector.empty() ? QString() : tr("..."))
                                               : e->neighbors.join(QStringLiteral(", ")));
    const QString warning = mModel->index(mModel->rowOf(e->id)).data(ClassListModel::WarningRole).toString();
    mWarning->setText(!e->problem.isEmpty() ? e->problem : warning);
    mWarning->setVisible(!mWarning->text().isEmpty());
}

void ClassesPanel::chooseColor()
{
    const int id = selectedId();
    const ClassEntry* e = id >= 0 ? mModel->find(std::uint16_t(id)) : nullptr;
    if (!e)
        return;
    const QColor c = QColorDialog::getColor(e->color, this, tr("Colour of %1").arg(e->name));
    if (c.isValid())
        mModel->setColor(std::uint16_t(id), c);
}

void ClassesPanel::removeSelected()
{
    const int id = selectedId();
    if (id >= 0)
        mModel->removeClass(std::uint16_t(id));
}

void ClassesPanel::renameSelected()
{
    const int id = selectedId();
    const QString name = mRename->text().trimmed();
    const ClassEntry* e = id >= 0 ? mModel->find(std::uint16_t(id)) : nullptr;
    if (!e || name.isEmpty() || name == e->name)
        return;
    QString error;
    if (!mController->renameClass(std::uint16_t(id), name, &error)) {
        // The field keeps what was typed; the list keeps the class as it was.
        mRename->setFocus();
        mRename->selectAll();
        Q_EMIT message(error);
        return;
    }
    mList->setFocus();
}

} // namespace zm::ui
