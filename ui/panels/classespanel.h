// The classes panel: type a class name (with synonyms, "car; automobile") and press Enter.
#pragma once
#include <QWidget>

class QLineEdit;
class QListWidget;

namespace zm::ui {

class ClassesPanel : public QWidget {
    Q_OBJECT
public:
    explicit ClassesPanel(QWidget* parent = nullptr);
    QLineEdit* nameEdit() const { return mEdit; }
    QListWidget* list() const { return mList; }

Q_SIGNALS:
    void classRequested(const QString& name);

private:
    QLineEdit* mEdit;
    QListWidget* mList;
};

} // namespace zm::ui
