// The classes panel: type a class name (with synonyms, "car; automobile") and press Enter; the class
// gets a colour and its mask appears after a re-score (no re-encoding). Per class: visibility, colour,
// rename (re-embeds), delete, a bias slider, its nearest vocabulary words and a warning when two
// classes nearly coincide. Global: calibration (gamma), void threshold, "suggest" for void regions.
#pragma once
#include <QRect>
#include <QWidget>

#include <cstdint>

class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QTreeWidget;
class QTreeWidgetItem;
class QPushButton;
class QSlider;
class QToolButton;
class QCheckBox;
class QGroupBox;

namespace zm::ui {

class ClassListModel;
class SegmentationController;

class ClassesPanel : public QWidget {
    Q_OBJECT
public:
    ClassesPanel(ClassListModel* model, SegmentationController* controller, QWidget* parent = nullptr);
    QLineEdit* nameEdit() const { return mEdit; }
    QListView* list() const { return mList; }
    /// Stable id of the selected class, -1 when none.
    int selectedId() const;
    void selectId(std::uint16_t id);
    /// What the model/vectors lack, shown above the list (empty hides it).
    void setNotice(const QString& text);
    /// Called when a model is loaded: the gamma slider starts at the model's calibration.
    void setModelGamma(float gamma);
    /// "Suggest": one row per large void region (largest first) with its nearest words as children;
    /// clicking a word adds it as a class, clicking a region shows it (regionActivated).
    QTreeWidget* suggestions() const { return mSuggestions; }
    QPushButton* suggestButton() const { return mSuggest; }
    /// Empties and hides the suggestion list and ends a pending "Looking..." (done by itself when the
    /// controller switches to another image or drops a stale answer).
    void clearSuggestions();

Q_SIGNALS:
    void classAdded(std::uint16_t id);
    /// A short message for the status bar ("\"sandal\" is already a class: selected", a refused name).
    void message(const QString& text);
    /// The selected class changed (editing tools paint with it); -1 when none.
    void selectionChanged(int id);
    /// A suggested void region was clicked: the canvas shows it (image pixels).
    void regionActivated(const QRect& bounds);

private:
    void addFromEdit();
    void showDetails();
    void chooseColor();
    void removeSelected();
    void renameSelected();

    ClassListModel* mModel;
    SegmentationController* mController;
    QLineEdit* mEdit;
    QLabel* mNotice;
    QListView* mList;
    QGroupBox* mDetails;
    QLineEdit* mRename;
    QToolButton* mColor;
    QSlider* mBias;
    QLabel* mBiasValue;
    QLabel* mNeighbors;
    QLabel* mWarning;
    QPushButton* mDelete;
    QSlider* mGamma;
    QLabel* mGammaValue;
    QCheckBox* mGammaAuto;
    QSlider* mVoid;
    QLabel* mVoidValue;
    QPushButton* mSuggest;
    QTreeWidget* mSuggestions;
    float mModelGamma = 0.0f;
};

} // namespace zm::ui
