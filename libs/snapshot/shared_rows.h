#ifndef CALLCENTER_LIBS_SNAPSHOT_SHARED_ROWS_H_
#define CALLCENTER_LIBS_SNAPSHOT_SHARED_ROWS_H_

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace callcenter::snapshot {

// The rows of a large master-data table in a snapshot, each held by a
// shared pointer: a snapshot rebuilt after a few writes shares every
// unchanged row with the snapshot before it and with the table's reader
// (db::EntityTable::AllShared), instead of copying each. Reads as a
// container of `const T&`. Writing to a row through operator[] copies it
// first unless this container made it and is its only holder, so a shared
// row is never changed under another holder.
template <typename T>
class SharedRows {
 public:
  using Row = std::shared_ptr<const T>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    explicit const_iterator(typename std::vector<Row>::const_iterator it) : it_(it) {}
    const T& operator*() const { return **it_; }
    const T* operator->() const { return it_->get(); }
    const_iterator& operator++() {
      ++it_;
      return *this;
    }
    bool operator==(const const_iterator& other) const { return it_ == other.it_; }
    bool operator!=(const const_iterator& other) const { return it_ != other.it_; }

   private:
    typename std::vector<Row>::const_iterator it_;
  };

  SharedRows() = default;
  SharedRows(std::initializer_list<T> rows) {
    for (const T& row : rows) push_back(row);
  }
  SharedRows& operator=(std::initializer_list<T> rows) {
    rows_.clear();
    made_here_.clear();
    for (const T& row : rows) push_back(row);
    return *this;
  }

  void push_back(T row) {
    rows_.push_back(std::make_shared<T>(std::move(row)));
    made_here_.push_back(true);
  }
  // A new empty row, to fill before the container is copied.
  T& emplace_back() {
    push_back(T());
    return const_cast<T&>(*rows_.back());  // made here, non-const
  }
  void push_back(Row row) {
    rows_.push_back(std::move(row));
    made_here_.push_back(false);
  }
  void reserve(size_t n) {
    rows_.reserve(n);
    made_here_.reserve(n);
  }

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const T& operator[](size_t i) const { return *rows_[i]; }
  // A row to change: copied first unless made here and held here alone.
  T& operator[](size_t i) {
    if (!made_here_[i] || rows_[i].use_count() != 1) {
      rows_[i] = std::make_shared<T>(*rows_[i]);
      made_here_[i] = true;
    }
    // Made here as a non-const T (make_shared), so writing to it is defined.
    return const_cast<T&>(*rows_[i]);
  }
  const_iterator begin() const { return const_iterator(rows_.begin()); }
  const_iterator end() const { return const_iterator(rows_.end()); }

 private:
  std::vector<Row> rows_;
  std::vector<bool> made_here_;  // by push_back(T) or a copy on write
};

}  // namespace callcenter::snapshot

#endif  // CALLCENTER_LIBS_SNAPSHOT_SHARED_ROWS_H_
