// The "model and vectors" dialog: pick a checkpoint (folder with card.json) and a fastText vectors
// file; shows what the card says and explains a mismatch between the two before anything loads.
#pragma once
#include <QDialog>

class QLabel;
class QLineEdit;

namespace zm::ui {

class ModelDialog : public QDialog {
    Q_OBJECT
public:
    ModelDialog(const QString& model, const QString& vectors, QWidget* parent = nullptr);
    QString modelPath() const;
    QString vectorsPath() const;
    /// What the card says and whether the two fit (text shown in the dialog).
    static QString describe(const QString& model, const QString& vectors);

private:
    void refresh();
    QLineEdit* mModel;
    QLineEdit* mVectors;
    QLabel* mInfo;
};

} // namespace zm::ui
