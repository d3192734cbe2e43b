// Names of enum values as users spell them (scenarios, logs): one table per enum, and the
// lookups both ways plus the list an error message offers.
#pragma once

#include <cstddef>
#include <string>

namespace ssifsim {

template <typename T> struct Named {
    const char* name;
    T value;
};

// Returns false for a name not in the table.
template <typename T, size_t N>
bool value_of(const Named<T> (&table)[N], const std::string& name, T* out) {
    for (const Named<T>& entry : table) {
        if (name == entry.name) {
            *out = entry.value;
            return true;
        }
    }
    return false;
}

template <typename T, size_t N> constexpr const char* name_of(const Named<T> (&table)[N], T value) {
    for (const Named<T>& entry : table)
        if (entry.value == value)
            return entry.name;
    return "?";
}

// "a, b, c"
template <typename T, size_t N> std::string names_of(const Named<T> (&table)[N]) {
    std::string list;
    for (const Named<T>& entry : table)
        list += std::string(list.empty() ? "" : ", ") + entry.name;
    return list;
}

} // namespace ssifsim
