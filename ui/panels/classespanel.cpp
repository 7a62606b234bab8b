// Classes panel implementation.
#include "ui/panels/classespanel.h"

#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace zm::ui {

ClassesPanel::ClassesPanel(QWidget* parent) : QWidget(parent), mEdit(new QLineEdit(this)), mList(new QListWidget(this))
{
    mEdit->setObjectName(QStringLiteral("ClassNameEdit"));
    mEdit->setPlaceholderText(tr("Type a class name, e.g. \"sneaker; trainer\", and press Enter"));
    mList->setObjectName(QStringLiteral("ClassList"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(mEdit);
    layout->addWidget(mList, 1);
    connect(mEdit, &QLineEdit::returnPressed, this, [this] {
        const QString name = mEdit->text().trimmed();
        if (name.isEmpty())
            return;
        mList->addItem(name);
        mEdit->clear();
        Q_EMIT classRequested(name);
    });
}

} // namespace zm::ui
