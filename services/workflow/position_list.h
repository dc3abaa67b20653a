// PositionList: the positions of a case, in id order, only ever appended to.
// Versions of a case share them: copying costs a pointer per 64, not a copy of each.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <vector>

namespace baraza {

// T is Position (services/workflow/model.h); a template only so that this
// header need not know it. Full chunks are shared by every version that holds
// them and never change; the last chunk is copied before an append when
// another version shares it (copy on write), so a version once shared with
// readers on other threads is never changed under them.
template <typename T>
class AppendOnlyList {
 public:
  static constexpr size_t kChunk = 64;

  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const AppendOnlyList* list, size_t i) : list_(list), i_(i) {}
    reference operator*() const { return (*list_)[i_]; }
    pointer operator->() const { return &(*list_)[i_]; }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { auto old = *this; ++i_; return old; }
    const_iterator& operator--() { --i_; return *this; }
    const_iterator operator--(int) { auto old = *this; --i_; return old; }
    bool operator==(const const_iterator& o) const { return i_ == o.i_ && list_ == o.list_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    const AppendOnlyList* list_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = const_iterator;
  using value_type = T;

  AppendOnlyList() = default;
  AppendOnlyList(std::initializer_list<T> items) {
    for (const T& t : items) push_back(t);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return (*chunks_[i / kChunk])[i % kChunk]; }
  const T& at(size_t i) const {
    if (i >= size_) throw std::out_of_range("AppendOnlyList::at");
    return (*this)[i];
  }
  // What the items occupy, as ListItemBytes(item) counts each (found by ADL).
  size_t item_bytes() const { return item_bytes_; }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

  void push_back(T item) {
    if (size_ % kChunk == 0) {
      chunks_.push_back(std::make_shared<std::vector<T>>());
      chunks_.back()->reserve(kChunk);
    } else if (chunks_.back().use_count() > 1) {
      auto own = std::make_shared<std::vector<T>>();
      own->reserve(kChunk);
      own->assign(chunks_.back()->begin(), chunks_.back()->end());
      chunks_.back() = std::move(own);
    }
    item_bytes_ += ListItemBytes(item);
    chunks_.back()->push_back(std::move(item));
    ++size_;
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
    item_bytes_ = 0;
  }
  // Keeps only the items `pred` is false for (a new list: the shared chunks stay as they are).
  template <typename Pred>
  void EraseIf(Pred pred) {
    AppendOnlyList kept;
    for (const T& t : *this)
      if (!pred(t)) kept.push_back(t);
    *this = std::move(kept);
  }

 private:
  std::vector<std::shared_ptr<std::vector<T>>> chunks_;
  size_t size_ = 0;
  size_t item_bytes_ = 0;
};

}  // namespace baraza
