// ClassListModel implementation.
#include "ui/model/classlistmodel.h"

#include "ui/model/palette.h"

#include "core/common/image.h"
#include "core/embed/embedder.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace zm::ui {

namespace {

float cosine(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.empty() || a.size() != b.size())
        return 0.0f;
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return aa > 0 && bb > 0 ? float(ab / std::sqrt(aa * bb)) : 0.0f;
}

} // namespace

ClassListModel::ClassListModel(QObject* parent) : QAbstractListModel(parent) {}

int ClassListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(mEntries.size());
}

QVariant ClassListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(mEntries.size()))
        return {};
    const ClassEntry& e = mEntries[std::size_t(index.row())];
    const QString& warning = mWarnings[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return e.name;
    case Qt::DecorationRole:
    case ColorRole:
        return e.color;
    case Qt::CheckStateRole:
        return e.visible ? Qt::Checked : Qt::Unchecked;
    case Qt::ToolTipRole: {
        QString tip = e.name;
        if (!e.problem.isEmpty())
            tip += QStringLiteral("\n") + e.problem;
        if (!warning.isEmpty())
            tip += QStringLiteral("\n") + warning;
        if (!e.sense.isEmpty())
            tip += QStringLiteral("\n") + tr("Read as: %1").arg(e.sense);
        if (!e.neighbors.isEmpty())
            tip += QStringLiteral("\n") + tr("Means to the model: %1").arg(e.neighbors.join(QStringLiteral(", ")));
        return tip;
    }
    case IdRole:
        return int(e.id);
    case VisibleRole:
        return e.visible;
    case BiasRole:
        return double(e.bias);
    case NeighborsRole:
        return e.neighbors;
    case ProblemRole:
        return e.problem;
    case WarningRole:
        return warning;
    case HasVectorRole:
        return !e.vector.empty();
    default:
        return {};
    }
}

bool ClassListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.row() >= int(mEntries.size()))
        return false;
    const std::uint16_t id = mEntries[std::size_t(index.row())].id;
    switch (role) {
    case Qt::CheckStateRole:
        setVisible(id, value.toInt() == Qt::Checked);
        return true;
    case VisibleRole:
        setVisible(id, value.toBool());
        return true;
    case ColorRole:
        setColor(id, value.value<QColor>());
        return true;
    case BiasRole:
        setBias(id, float(value.toDouble()));
        return true;
    default:
        // Renaming needs a new vector: the view edits through the controller, not here.
        return false;
    }
}

Qt::ItemFlags ClassListModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
}

QHash<int, QByteArray> ClassListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names[IdRole] = "classId";
    names[ColorRole] = "color";
    names[VisibleRole] = "visible";
    names[BiasRole] = "bias";
    names[NeighborsRole] = "neighbors";
    names[ProblemRole] = "problem";
    names[WarningRole] = "warning";
    names[HasVectorRole] = "hasVector";
    return names;
}

namespace {

/// What two terms are compared by: case, repeated spaces and the word joiners '_' and '-' do not count
/// ("Traffic_light" is "traffic light").
QString termKey(const QString& term)
{
    QString k = term.toCaseFolded();
    for (QChar& c : k)
        if (c == QLatin1Char('_') || c == QLatin1Char('-'))
            c = QLatin1Char(' ');
    return k.simplified();
}

} // namespace

QStringList ClassListModel::termsOf(const QString& name)
{
    // The embedder's own splitter (";", "," and "|"): a term here is a synonym there.
    QStringList terms;
    QStringList keys;
    for (const std::string& part : zm::splitSynonyms(name.toStdString())) {
        const QString t = QString::fromStdString(part).trimmed();
        const QString k = termKey(t);
        if (!k.isEmpty() && !keys.contains(k)) {
            terms << t;
            keys << k;
        }
    }
    return terms;
}

int ClassListModel::idOfTerm(const QString& term, int exceptId) const
{
    const QString k = termKey(term);
    for (const ClassEntry& e : mEntries) {
        if (int(e.id) == exceptId)
            continue;
        for (const QString& t : termsOf(e.name))
            if (termKey(t) == k)
                return int(e.id);
    }
    return -1;
}

ClassListModel::NameCheck ClassListModel::checkName(const QString& name, int renaming) const
{
    NameCheck c;
    const QStringList terms = termsOf(name);
    if (terms.isEmpty()) {
        c.message = tr("A class name cannot be empty");
        return c;
    }
    QStringList fresh;
    QList<int> owners;
    QStringList owned; // the first term found in each owner, for the message
    for (const QString& t : terms) {
        const int id = idOfTerm(t, renaming);
        if (id < 0) {
            fresh << t;
        } else if (!owners.contains(id)) {
            owners << id;
            owned << t;
        }
    }
    auto nameOf = [this](int id) { return find(std::uint16_t(id))->name; };
    if (owners.isEmpty()) {
        c.kind = NameCheck::Kind::New;
        return c;
    }
    if (renaming >= 0) {
        c.message = tr("\"%1\" is already the class \"%2\": a name or synonym can belong to one class only")
                        .arg(owned.front(), nameOf(owners.front()));
        return c;
    }
    if (owners.size() > 1) {
        c.message = tr("\"%1\" and \"%2\" are two classes already (\"%3\" and \"%4\"): a name or synonym can "
                       "belong to one class only")
                        .arg(owned[0], owned[1], nameOf(owners[0]), nameOf(owners[1]));
        return c;
    }
    c.id = std::uint16_t(owners.front());
    if (fresh.isEmpty()) {
        c.kind = NameCheck::Kind::Existing;
        c.message = tr("\"%1\" is already a class: selected").arg(nameOf(owners.front()));
        return c;
    }
    c.kind = NameCheck::Kind::Extends;
    c.merged = nameOf(owners.front()) + QStringLiteral("; ") + fresh.join(QStringLiteral("; "));
    c.message = tr("Added %1 to the class \"%2\" as synonyms")
                    .arg(QStringLiteral("\"%1\"").arg(fresh.join(QStringLiteral("\", \""))), nameOf(owners.front()));
    return c;
}

std::uint16_t ClassListModel::addClass(const QString& name, std::vector<float> vector, const QString& problem)
{
    // The last line of defence: the project's label map cannot hold a term twice.
    for (const QString& t : termsOf(name))
        if (const int owner = idOfTerm(t); owner >= 0)
            return std::uint16_t(owner);
    ClassEntry e;
    // kVoid is reserved in label maps; 255 is the project table's ignore index (palette PNGs).
    if (mNextId == 255)
        ++mNextId;
    e.id = mNextId++;
    e.name = name;
    e.color = paletteColor(e.id);
    e.vector = std::move(vector);
    e.problem = problem;
    const int row = int(mEntries.size());
    beginInsertRows({}, row, row);
    mEntries.push_back(std::move(e));
    mWarnings.emplace_back();
    endInsertRows();
    updateWarnings();
    Q_EMIT scoringChanged();
    Q_EMIT appearanceChanged();
    return mEntries.back().id;
}

void ClassListModel::removeClass(std::uint16_t id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    mEntries.erase(mEntries.begin() + row);
    mWarnings.erase(mWarnings.begin() + row);
    endRemoveRows();
    updateWarnings();
    Q_EMIT scoringChanged();
    Q_EMIT appearanceChanged();
}

void ClassListModel::clear()
{
    beginResetModel();
    mEntries.clear();
    mWarnings.clear();
    endResetModel();
    Q_EMIT scoringChanged();
    Q_EMIT appearanceChanged();
}

bool ClassListModel::rename(std::uint16_t id, const QString& name, std::vector<float> vector, const QString& problem)
{
    const int row = rowOf(id);
    if (row < 0 || checkName(name, int(id)).kind != NameCheck::Kind::New)
        return false;
    ClassEntry& e = mEntries[std::size_t(row)];
    e.name = name;
    e.vector = std::move(vector);
    e.problem = problem;
    e.neighbors.clear();
    e.sense.clear();
    updateWarnings();
    emitRow(id, {Qt::DisplayRole, Qt::EditRole, ProblemRole, NeighborsRole, HasVectorRole});
    Q_EMIT scoringChanged();
    return true;
}

void ClassListModel::setVector(std::uint16_t id, std::vector<float> vector, const QString& problem)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    mEntries[std::size_t(row)].vector = std::move(vector);
    mEntries[std::size_t(row)].problem = problem;
    mEntries[std::size_t(row)].neighbors.clear();
    mEntries[std::size_t(row)].sense.clear();
    updateWarnings();
    emitRow(id, {ProblemRole, NeighborsRole, HasVectorRole});
    Q_EMIT scoringChanged();
}

void ClassListModel::setColor(std::uint16_t id, const QColor& color)
{
    const int row = rowOf(id);
    if (row < 0 || !color.isValid() || mEntries[std::size_t(row)].color == color)
        return;
    mEntries[std::size_t(row)].color = color;
    emitRow(id, {Qt::DecorationRole, ColorRole});
    Q_EMIT appearanceChanged();
}

void ClassListModel::setVisible(std::uint16_t id, bool visible)
{
    const int row = rowOf(id);
    if (row < 0 || mEntries[std::size_t(row)].visible == visible)
        return;
    mEntries[std::size_t(row)].visible = visible;
    emitRow(id, {Qt::CheckStateRole, VisibleRole});
    Q_EMIT appearanceChanged();
}

void ClassListModel::setBias(std::uint16_t id, float bias)
{
    const int row = rowOf(id);
    if (row < 0 || mEntries[std::size_t(row)].bias == bias)
        return;
    mEntries[std::size_t(row)].bias = bias;
    emitRow(id, {BiasRole});
    Q_EMIT scoringChanged();
}

void ClassListModel::setNeighbors(std::uint16_t id, const QStringList& words, const QString& sense)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    mEntries[std::size_t(row)].neighbors = words;
    mEntries[std::size_t(row)].sense = sense;
    emitRow(id, {NeighborsRole, Qt::ToolTipRole});
}

int ClassListModel::rowOf(std::uint16_t id) const
{
    for (std::size_t i = 0; i < mEntries.size(); ++i)
        if (mEntries[i].id == id)
            return int(i);
    return -1;
}

const ClassEntry* ClassListModel::find(std::uint16_t id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &mEntries[std::size_t(row)];
}

zm::ClassSet ClassListModel::classSet(std::vector<std::uint16_t>* ids) const
{
    zm::ClassSet set;
    if (ids)
        ids->clear();
    std::size_t dim = 0;
    for (const ClassEntry& e : mEntries) {
        if (!e.enabled || e.vector.empty())
            continue;
        if (dim == 0)
            dim = e.vector.size();
        if (e.vector.size() != dim)
            continue; // embedded in another space: left out until re-embedded
        zm::ClassSpec spec;
        spec.name = e.name.toStdString();
        spec.vector = e.vector;
        spec.bias = e.bias;
        set.classes.push_back(std::move(spec));
        if (ids)
            ids->push_back(e.id);
    }
    return set;
}

QJsonArray ClassListModel::toJson() const
{
    QJsonArray array;
    for (const ClassEntry& e : mEntries) {
        QJsonObject o;
        o[QStringLiteral("id")] = int(e.id);
        o[QStringLiteral("name")] = e.name;
        o[QStringLiteral("color")] = e.color.name();
        o[QStringLiteral("visible")] = e.visible;
        o[QStringLiteral("bias")] = double(e.bias);
        array.append(o);
    }
    return array;
}

void ClassListModel::fromJson(const QJsonArray& array,
                              const std::function<std::vector<float>(const QString&, QString*)>& embed)
{
    load(array, embed, true);
}

void ClassListModel::load(const QJsonArray& array,
                          const std::function<std::vector<float>(const QString&, QString*)>& embed, bool dropRepeats)
{
    beginResetModel();
    mEntries.clear();
    mWarnings.clear();
    mNextId = 0;
    for (const QJsonValue& v : array) {
        const QJsonObject o = v.toObject();
        ClassEntry e;
        e.name = o.value(QStringLiteral("name")).toString().trimmed();
        const int id = o.value(QStringLiteral("id")).toInt(-1);
        if (e.name.isEmpty() || id < 0 || id >= int(zm::LabelMap::kVoid) || rowOf(std::uint16_t(id)) >= 0)
            continue; // a damaged entry is dropped rather than breaking the whole list
        // Its id stays used even if the entry is dropped below: labels may carry it.
        mNextId = std::max<std::uint16_t>(mNextId, std::uint16_t(id + 1));
        if (dropRepeats) {
            // A term an earlier class has is dropped here (older versions let a name be typed twice).
            QStringList keep;
            for (const QString& t : termsOf(e.name))
                if (idOfTerm(t) < 0)
                    keep << t;
            if (keep.isEmpty())
                continue;
            if (keep != termsOf(e.name))
                e.name = keep.join(QStringLiteral("; "));
        }
        e.id = std::uint16_t(id);
        const QColor c(o.value(QStringLiteral("color")).toString());
        e.color = c.isValid() ? c : paletteColor(e.id);
        e.visible = o.value(QStringLiteral("visible")).toBool(true);
        e.bias = float(o.value(QStringLiteral("bias")).toDouble(0.0));
        if (embed)
            e.vector = embed(e.name, &e.problem);
        mEntries.push_back(std::move(e));
        mWarnings.emplace_back();
    }
    endResetModel();
    updateWarnings();
    Q_EMIT scoringChanged();
    Q_EMIT appearanceChanged();
}

zm::ClassTable ClassListModel::toClassTable(const zm::VectorSpaceId& space) const
{
    zm::Json classes = zm::Json::array();
    for (const ClassEntry& e : mEntries) {
        if (e.id == 255)
            continue;
        // "car; automobile" -> name "car", synonyms {"automobile"} (what the embedder reads back).
        const QStringList parts = termsOf(e.name);
        if (parts.isEmpty())
            continue;
        std::vector<std::string> synonyms;
        for (int i = 1; i < parts.size(); ++i)
            synonyms.push_back(parts[i].toStdString());
        classes.push_back({{"id", e.id},
                           {"name", parts.front().toStdString()},
                           {"synonyms", synonyms},
                           {"color", {e.color.red(), e.color.green(), e.color.blue()}}});
    }
    std::uint16_t next = mNextId == 255 ? 256 : mNextId;
    zm::Json j = {{"format", zm::ClassTable::kFormat},
                  {"version", zm::ClassTable::kVersion},
                  {"ignore_index", 255},
                  {"next_id", next},
                  {"classes", classes}};
    j["vector_space"] = space.valid() ? space.toJson() : zm::Json(nullptr);
    j["model"] = zm::Json::object();
    return zm::ClassTable::fromJson(j, "class list");
}

void ClassListModel::fromClassTable(const zm::ClassTable& table,
                                    const std::function<std::vector<float>(const QString&, QString*)>& embed)
{
    QJsonArray array;
    for (const zm::ClassEntry& c : table.classes()) {
        QJsonObject o;
        o[QStringLiteral("id")] = int(c.id);
        o[QStringLiteral("name")] = QString::fromStdString(c.typed());
        o[QStringLiteral("color")] = QColor(c.color[0], c.color[1], c.color[2]).name();
        // Visibility and bias are view settings: kept from the current list when the id matches.
        if (const ClassEntry* mine = find(c.id); mine && mine->name == o[QStringLiteral("name")].toString()) {
            o[QStringLiteral("visible")] = mine->visible;
            o[QStringLiteral("bias")] = double(mine->bias);
        }
        array.append(o);
    }
    // A project's table is what its labels mean: every class stays, even one the list would not let be
    // typed (the core's table compares names differently); new names are checked as they are typed.
    load(array, embed, false);
    mNextId = std::max(mNextId, table.nextId());
}

void ClassListModel::emitRow(std::uint16_t id, const QList<int>& roles)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, roles + QList<int>{Qt::ToolTipRole});
}

void ClassListModel::updateWarnings()
{
    std::vector<QString> next(mEntries.size());
    for (std::size_t i = 0; i < mEntries.size(); ++i)
        for (std::size_t j = 0; j < mEntries.size(); ++j) {
            if (i == j)
                continue;
            const float c = cosine(mEntries[i].vector, mEntries[j].vector);
            if (c >= kNearlyIdentical) {
                next[i] = tr("Nearly identical to \"%1\" (cosine %2): the model cannot tell them apart")
                              .arg(mEntries[j].name)
                              .arg(double(c), 0, 'f', 3);
                break;
            }
        }
    for (std::size_t i = 0; i < next.size(); ++i)
        if (next[i] != mWarnings[i]) {
            mWarnings[i] = next[i];
            const QModelIndex idx = index(int(i));
            Q_EMIT dataChanged(idx, idx, {WarningRole, Qt::ToolTipRole});
        }
}

} // namespace zm::ui
