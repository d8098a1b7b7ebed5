package io.dbbackup.api.v1alpha1;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A resource in the same namespace, by name. */
public class LocalObjectRef {
  @Required
  @Pattern(SecretRef.NAME_PATTERN)
  private String name;

  public LocalObjectRef() {}

  public LocalObjectRef(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
